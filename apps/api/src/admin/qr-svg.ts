import { toString as qrToString } from 'qrcode';

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A QR code of `text` as inline SVG markup, made on the server (no request leaves the page),
 * labelled for screen readers. Low error correction keeps long token URLs scannable.
 */
export async function qrSvg(text: string, label: string): Promise<string> {
  const svg = await qrToString(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" class="qr" `);
}
