import fs from 'node:fs';
for (const d of ['views', 'public']) fs.cpSync(`apps/api/${d}`, `dist/apps/api/${d}`, { recursive: true });
