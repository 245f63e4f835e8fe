/**
 * The release this code is: package.json's version, the image's org.opencontainers.image.version
 * and docker-compose.yml's default tag (a test keeps the four equal; CHANGELOG.md says what changed).
 */
export const MODERATO_VERSION = '0.2.0';
