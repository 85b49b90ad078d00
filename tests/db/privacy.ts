// The privacy scan: every private value of the seeded data, and a search for them in a folder of files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';

export interface PrivateValues {
  digits: Set<string>;
  emails: Set<string>;
  /** Full names without consent and exact addresses: free text, matched on word boundaries. */
  texts: string[];
}

// Names that are public anyway (a donor's chosen display name, a consenting head's name) are left out,
// since the same name may belong to a household that did not consent.
export async function privateValues(db: Db): Promise<PrivateValues> {
  const donors = await queryRows<{ email: string | null; phone: string | null; tax_code: string | null }>(db, sql`SELECT email, phone, tax_code FROM donors`);
  const households = await queryRows<{ national_id: string | null; phone: string | null; address: string | null; head_full_name: string; publish_full_name: boolean }>(db,
    sql`SELECT national_id, phone, address, head_full_name, publish_full_name FROM households`);
  const publicNames = new Set([
    ...(await queryRows<{ name: string }>(db, sql`SELECT display_name AS name FROM donors WHERE NOT anonymous AND display_name IS NOT NULL`)).map((r) => r.name),
    ...households.filter((h) => h.publish_full_name).map((h) => h.head_full_name),
  ]);
  const digits = new Set<string>();
  const emails = new Set<string>();
  const texts = new Set<string>();
  for (const d of donors) {
    if (d.email) emails.add(d.email.toLowerCase());
    for (const value of [d.phone, d.tax_code]) if (value) digits.add(value);
  }
  for (const h of households) {
    for (const value of [h.national_id, h.phone]) if (value) digits.add(value);
    if (h.address) texts.add(h.address);
    if (!h.publish_full_name && !publicNames.has(h.head_full_name)) texts.add(h.head_full_name);
  }
  return { digits, emails, texts: [...texts] };
}

function* filesUnder(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Every occurrence of a private value in any file under dir, as "file: value".
export function scanForPrivateValues(dir: string, values: PrivateValues): { hits: string[]; files: number } {
  const lengths = [...new Set([...values.digits].map((d) => d.length))];
  const textPattern = values.texts.length ? new RegExp(`(?<![\\p{L}\\p{N}])(${values.texts.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'gu') : undefined;
  const hits: string[] = [];
  let files = 0;
  for (const path of filesUnder(dir)) {
    files++;
    const content = readFileSync(path, 'utf8').normalize('NFC');
    const where = relative(dir, path);
    for (const [run] of content.matchAll(/\d{9,}/g)) {
      for (const length of lengths) {
        for (let at = 0; at + length <= run.length; at++) {
          const candidate = run.slice(at, at + length);
          if (values.digits.has(candidate)) hits.push(`${where}: ${candidate}`);
        }
      }
    }
    for (const [email] of content.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g)) if (values.emails.has(email.toLowerCase())) hits.push(`${where}: ${email}`);
    if (textPattern) for (const [text] of content.matchAll(textPattern)) hits.push(`${where}: ${text}`);
  }
  return { hits, files };
}
