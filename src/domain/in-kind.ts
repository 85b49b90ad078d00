// The valuation of a gift in kind, item by item. A recorder types either the unit price ("Đơn giá")
// or the line total ("Thành tiền"); the other is computed and shown, and when both are typed they
// must agree, so a unit price can never be saved as a total (or the reverse). A truck's goods can be
// shared among several houses of one commune, the commune holding what no house still needs.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema, type Db } from '../../db/client';
import { formatVnd } from '../i18n/format';
import { line } from '../ledger/accounts';
import { describeEntry } from '../ledger/descriptions';
import { assertBalanced, type EntryDraft } from '../ledger/entry';
import type { HouseState } from '../ledger/rules';
import { newReceiptCode } from './codes';
import { reserveIds, writeGift, type ContributionResult } from './contributions';
import { DomainError, notFound } from './errors';
import { requestOf } from './gift-batch';
import { lockHouses, runOnce, type Outcome } from './journal';
import { donorRef, id, idempotencyKey, inKindItem } from './schemas';
import { parseInput } from './validate';

export interface TypedItem {
  name: string;
  quantity: number;
  unit: string;
  unitPriceVnd?: number;
  totalVnd?: number;
}

export interface PricedItem {
  name: string;
  quantity: number;
  unit: string;
  /** As typed, or the total divided by the quantity rounded to the đồng. */
  unitPriceVnd: number;
  /** The line total, whole đồng: what the gift is valued at. */
  valueVnd: number;
}

// Made once: a number formatter costs far more to build than to use, and pages list many items.
const quantityFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3 });

// Quantity × unit price rounded to the đồng (a valuation, not money paid), checked against a typed total.
export function priceItem(item: TypedItem, row: number, field: (part: 'UnitPrice' | 'Total') => string): PricedItem {
  const { quantity, unitPriceVnd, totalVnd } = item;
  const quantityText = `${quantityFormat.format(quantity)} ${item.unit}`;
  if (unitPriceVnd === undefined && totalVnd === undefined) {
    throw new DomainError(400, 'invalid_field', `Dòng ${row}: nhập đơn giá hoặc thành tiền cho "${item.name}".`,
      `Row ${row}: enter the unit price or the line total for "${item.name}".`, { field: field('Total') });
  }
  if (unitPriceVnd === undefined) {
    return { name: item.name, quantity, unit: item.unit, unitPriceVnd: Math.round(totalVnd! / quantity), valueVnd: totalVnd! };
  }
  const computed = Math.round(quantity * unitPriceVnd);
  if (totalVnd !== undefined && totalVnd !== computed) {
    throw new DomainError(400, 'invalid_field',
      `Dòng ${row}: ${quantityText} × ${formatVnd(unitPriceVnd)} = ${formatVnd(computed)}, không khớp thành tiền ${formatVnd(totalVnd)}. Hãy sửa một trong hai, hoặc để trống thành tiền.`,
      `Row ${row}: ${quantityText} × ${formatVnd(unitPriceVnd)} = ${formatVnd(computed)}, not the line total ${formatVnd(totalVnd)}. Correct one of them, or leave the total empty.`,
      { field: field('Total') });
  }
  if (computed < 1) {
    throw new DomainError(400, 'invalid_field', `Dòng ${row}: thành tiền phải lớn hơn 0 ₫.`, `Row ${row}: the line total must be above 0 ₫.`, { field: field('UnitPrice') });
  }
  return { name: item.name, quantity, unit: item.unit, unitPriceVnd, valueVnd: computed };
}

// "20 bao × 100.000 ₫ = 2.000.000 ₫" for the recorder to check what was saved.
export function describeItem(item: PricedItem): string {
  const quantity = quantityFormat.format(item.quantity);
  return `${item.name}: ${quantity} ${item.unit} × ${formatVnd(item.unitPriceVnd)} = ${formatVnd(item.valueVnd)}`;
}

// ---- One truck for several houses ----

export const shipmentInput = z.object({
  idempotencyKey,
  campaignId: id,
  /** The commune the truck delivered to: it holds what no house of its own needs. */
  areaId: id,
  /** A share per house, or with no house the goods the commune holds for its houses. */
  parts: z.array(z.object({ houseId: id.nullable(), items: z.array(inKindItem).min(1).max(100) })).min(1).max(30),
  receivedAt: z.coerce.date(),
}).and(donorRef);

export type ShipmentInput = z.output<typeof shipmentInput>;

export interface ShipmentShare {
  houseId: number | null;
  /** What counts towards the house's budget (all of it for the commune's share). */
  valueVnd: number;
  /** The part beyond the house's remaining need, held by the commune instead of refused. */
  surplusVnd: number;
}

// Splits a truck's valuation: each house takes up to what it still needs, in the order typed; the
// rest (goods for a house already fully funded, or goods left with the commune) goes to the commune.
export function shareShipment(parts: { houseId: number | null; valueVnd: number }[], houses: Map<number, HouseState>): ShipmentShare[] {
  const remaining = new Map([...houses].map(([houseId, h]) => [houseId, Math.max(0, h.budgetVnd - h.allocatedVnd)]));
  return parts.map(({ houseId, valueVnd }) => {
    if (houseId === null) return { houseId, valueVnd: 0, surplusVnd: valueVnd };
    const room = remaining.get(houseId) ?? 0;
    const fits = Math.min(room, valueVnd);
    remaining.set(houseId, room - fits);
    return { houseId, valueVnd: fits, surplusVnd: valueVnd - fits };
  });
}

// The truck's one entry: goods in at their full valuation, credited to each house and the commune's holding.
export function shipmentEntry(input: { contributionId: number; areaId: number; shares: ShipmentShare[]; occurredAt: Date; description: string }): EntryDraft {
  const { contributionId, areaId } = input;
  const byHouse = new Map<number, number>();
  let heldVnd = 0;
  for (const share of input.shares) {
    if (share.houseId !== null && share.valueVnd > 0) byHouse.set(share.houseId, (byHouse.get(share.houseId) ?? 0) + share.valueVnd);
    heldVnd += share.surplusVnd;
  }
  const totalVnd = [...byHouse.values()].reduce((a, b) => a + b, heldVnd);
  const lines = [line('in_kind_received', totalVnd, { contributionId })];
  for (const [houseId, valueVnd] of byHouse) lines.push(line('house_in_kind', -valueVnd, { houseId, contributionId }));
  if (heldVnd > 0) lines.push(line('commune_in_kind', -heldVnd, { areaId, contributionId }));
  const entry: EntryDraft = { kind: 'in_kind', occurredAt: input.occurredAt, description: input.description, contributionId, reversesEntryId: null, reason: null, lines };
  assertBalanced(entry);
  return entry;
}

export interface ShipmentResult extends ContributionResult {
  shares: (ShipmentShare & { houseCode: string | null })[];
  communeName: string;
}

// Records a truck as one gift with one receipt: the houses it serves are locked (in id order) so their
// remaining need is current, and every house must belong to the commune the truck came to.
export async function recordShipment(db: Db, raw: unknown): Promise<Outcome<ShipmentResult>> {
  const input = parseInput(shipmentInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const houseIds = [...new Set(input.parts.flatMap((p) => (p.houseId === null ? [] : [p.houseId])))].sort((a, b) => a - b);
    const [[commune], locked, ids] = await Promise.all([
      tx.select({ id: schema.areas.id, name: schema.areas.name, level: schema.areas.level }).from(schema.areas).where(eq(schema.areas.id, input.areaId)),
      lockHouses(tx, houseIds),
      reserveIds(tx, 'donor' in input),
    ]);
    if (!commune || commune.level !== 'commune') throw notFound(`xã #${input.areaId}`, `Commune #${input.areaId}`);
    const houses = new Map(locked.map((h) => [h.id, h]));
    for (const houseId of houseIds) {
      const house = houses.get(houseId);
      if (!house) throw notFound(`nhà #${houseId}`, `House #${houseId}`);
      if (house.areaId !== commune.id) {
        throw new DomainError(400, 'house_outside_commune', `Nhà ${house.code} không thuộc xã ${commune.name}: một chuyến hàng chỉ chia cho các nhà của xã nhận hàng.`,
          `House ${house.code} is not in ${commune.name}: a delivery is shared only among the houses of the commune it came to.`);
      }
    }
    const shares = shareShipment(input.parts.map((p) => ({ houseId: p.houseId, valueVnd: p.items.reduce((sum, item) => sum + item.valueVnd, 0) })), houses);
    const receiptCode = newReceiptCode();
    const held = shares.some((s) => s.surplusVnd > 0);
    const entry = shipmentEntry({
      contributionId: ids.contributionId, areaId: commune.id, shares, occurredAt: input.receivedAt,
      description: describeEntry.shipment(receiptCode, houseIds.map((h) => houses.get(h)!.code), held ? commune.name : null),
    });
    const codeOf = (houseId: number | null) => (houseId === null ? null : houses.get(houseId)!.code);
    const single = houseIds.length === 1 && !held ? houseIds[0]! : null;
    const written = await writeGift(tx, input, ids, {
      receiptCode, campaignId: input.campaignId, kind: 'in_kind', channel: null,
      amountVnd: shares.reduce((sum, s) => sum + s.valueVnd + s.surplusVnd, 0),
      targetType: single === null ? 'commune' : 'house', targetHouseId: single, targetAreaId: commune.id, receivedAt: input.receivedAt,
      details: {
        items: input.parts.flatMap((p) => p.items),
        parts: input.parts.map((p, i) => ({ houseCode: codeOf(p.houseId), items: p.items, valueVnd: shares[i]!.valueVnd, surplusVnd: shares[i]!.surplusVnd })),
      },
    }, entry);
    return { ...written, shares: shares.map((s) => ({ ...s, houseCode: codeOf(s.houseId) })), communeName: commune.name };
  });
}
