// What commitments add to posting a batch of gifts: the one query that reads the donors' public names
// and the target codes, and a salted SHA-256 per gift (everything else is the same with or without).
import type { Db } from '../../db/client';
import { contributionRecords, sealRecord, type GiftRows } from '../../src/domain/public-records';

export async function commitmentCostPerGift(db: Db, campaignId: number, donorId: number, houseIds: number[], batches = 40, batchSize = 256): Promise<{ perGiftUs: number; perBatchMs: number }> {
  const gifts: GiftRows[] = Array.from({ length: batchSize }, (_, i) => ({
    contribution: {
      id: 1_000_000 + i, receiptCode: `B${i}`, campaignId, donorId, kind: 'cash', channel: 'bank_transfer', amountVnd: 200_000 + i,
      targetType: i % 3 === 0 ? 'house' : 'general', targetHouseId: i % 3 === 0 ? houseIds[i % houseIds.length]! : null, targetAreaId: null,
      receivedAt: new Date(), details: { feeVnd: 0, officeReceiptNo: null },
    },
    newDonor: i % 2 === 0 ? { kind: 'individual', displayName: `Nhà hảo tâm ${i}`, anonymous: false } : null,
  }));
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    await db.transaction(async (tx) => {
      for (const record of await contributionRecords(tx, gifts)) sealRecord(record);
    });
  }
  const elapsedMs = performance.now() - started;
  return { perGiftUs: (elapsedMs * 1000) / (batches * batchSize), perBatchMs: elapsedMs / batches };
}
