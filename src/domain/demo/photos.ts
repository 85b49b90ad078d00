// Illustrative stage photos for the demo, drawn at seed time (no downloads): a simple picture of the
// house at each stage it has reached, stamped "ẢNH MINH HỌA · DỮ LIỆU MẪU" so nobody takes it for a real
// photo. They go through the same storage as staff uploads, so house pages look as they will in use.
import { asc, isNotNull, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { schema, type Db } from '../../../db/client';
import { storePhoto } from '../../staff/photos';
import { stageColumn } from '../houses';
import { stages, type Stage } from '../schemas';

const WIDTH = 960;
const HEIGHT = 640;
const STAGE_LABEL: Record<Stage, string> = {
  approved: 'Nhà cũ khi bình xét', funded: 'Tập kết vật liệu', under_construction: 'Đang xây dựng', completed: 'Đã hoàn thành', handed_over: 'Bàn giao cho hộ',
};
const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

// The picture for one stage: an old shack, a pile of materials, a frame, a finished house, a house with a ribbon.
function stageDrawing(stage: Stage, hue: number): string {
  const wall = `hsl(${hue}, 35%, 82%)`;
  const roof = `hsl(${(hue + 180) % 360}, 45%, 38%)`;
  switch (stage) {
    case 'approved':
      return `<polygon points="330,380 480,300 640,390" fill="#8d6e63"/><rect x="350" y="380" width="270" height="150" fill="#a1887f"/>
        <rect x="450" y="430" width="60" height="100" fill="#5d4037"/><line x1="360" y1="400" x2="610" y2="520" stroke="#4e342e" stroke-width="4"/>`;
    case 'funded':
      return `<rect x="300" y="470" width="160" height="60" fill="#bcaaa4"/><rect x="310" y="430" width="140" height="40" fill="#d7ccc8"/>
        <rect x="520" y="450" width="180" height="80" fill="#9e9e9e"/><rect x="540" y="410" width="20" height="40" fill="#795548"/><rect x="580" y="410" width="20" height="40" fill="#795548"/>`;
    case 'under_construction':
      return `<rect x="330" y="330" width="300" height="200" fill="none" stroke="#616161" stroke-width="10"/>
        <line x1="330" y1="430" x2="630" y2="430" stroke="#616161" stroke-width="8"/><line x1="480" y1="330" x2="480" y2="530" stroke="#616161" stroke-width="8"/>
        <rect x="340" y="440" width="130" height="90" fill="${wall}"/><polygon points="310,330 480,250 650,330" fill="none" stroke="#616161" stroke-width="8"/>`;
    default:
      return `<polygon points="300,340 480,240 660,340" fill="${roof}"/><rect x="330" y="340" width="300" height="190" fill="${wall}"/>
        <rect x="455" y="420" width="55" height="110" fill="#6d4c41"/><rect x="360" y="380" width="60" height="50" fill="#90caf9"/><rect x="545" y="380" width="60" height="50" fill="#90caf9"/>
        ${stage === 'handed_over' ? '<rect x="300" y="460" width="360" height="14" fill="#c62828"/><circle cx="480" cy="467" r="22" fill="#c62828"/>' : ''}`;
  }
}

// One illustrative image as SVG: sky, ground, the drawing, and the demo label in large type.
export function demoPhotoSvg(code: string, stage: Stage, date: string): string {
  const hue = [...code].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
    <rect width="${WIDTH}" height="${HEIGHT}" fill="#dcecf7"/><rect y="520" width="${WIDTH}" height="120" fill="#9ccc65"/>
    <ellipse cx="150" cy="520" rx="120" ry="70" fill="#7cb342"/><ellipse cx="850" cy="520" rx="140" ry="90" fill="#689f38"/>
    ${stageDrawing(stage, hue)}
    <rect x="0" y="0" width="${WIDTH}" height="92" fill="#fff3cd" opacity="0.95"/>
    <text x="24" y="42" font-family="DejaVu Sans, sans-serif" font-size="30" font-weight="bold" fill="#7a1f1f">ẢNH MINH HỌA · DỮ LIỆU MẪU</text>
    <text x="24" y="78" font-family="DejaVu Sans, sans-serif" font-size="22" fill="#3e2723">ILLUSTRATIVE IMAGE · DEMO DATA — not a real photo</text>
    <rect x="0" y="${HEIGHT - 56}" width="${WIDTH}" height="56" fill="#000" opacity="0.55"/>
    <text x="24" y="${HEIGHT - 20}" font-family="DejaVu Sans, sans-serif" font-size="24" fill="#fff">${escapeXml(`${code} · ${STAGE_LABEL[stage]} · ${date}`)}</text>
  </svg>`;
}

// Draws and stores a photo for each stage reached by the first `houses` houses that started building.
export async function seedDemoPhotos(db: Db, houses = 12): Promise<number> {
  const chosen = await db.select().from(schema.houses).where(isNotNull(schema.houses.constructionOn))
    .orderBy(asc(schema.houses.id)).limit(houses);
  let stored = 0;
  for (const house of chosen) {
    for (const stage of stages) {
      const on = house[stageColumn[stage]];
      if (!on) continue;
      const [y, m, d] = String(on).slice(0, 10).split('-');
      const data = await sharp(Buffer.from(demoPhotoSvg(house.publicCode, stage, `${d}/${m}/${y}`))).jpeg({ quality: 78, mozjpeg: true }).toBuffer();
      await storePhoto(db, { houseId: house.id, stage, photo: { data, width: WIDTH, height: HEIGHT }, createdBy: 'demo' });
      stored++;
    }
  }
  return stored;
}

// The demo's photos are seeded once: a database that already has photos keeps them.
export async function hasPhotos(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(schema.photos);
  return Number(row?.n ?? 0) > 0;
}
