// The staff review queue: money that arrived but could not be posted automatically, with its reason.
import { schema, type Tx } from '../../db/client';

export interface ReviewItem {
  source: 'stripe' | 'bank';
  reference: string;
  reason: string;
  detail: string;
  pledgeId?: number | null;
  bankRowId?: number | null;
  amountVnd?: number | null;
}

// One item per external reference: a repeated event or re-imported row never queues twice.
export async function queueReview(tx: Tx, item: ReviewItem): Promise<void> {
  await tx.insert(schema.paymentReviews).values(item).onConflictDoNothing();
}
