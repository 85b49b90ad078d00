import { eq } from 'drizzle-orm';
import { schema, type Tx } from '../../db/client';
import type { z } from 'zod';
import type { donorInput } from './schemas';
import { notFound } from './errors';

export type DonorRef = { donorId: number } | { donor: z.output<typeof donorInput> };

// A gift names a known donor or brings a new one; private fields stay in this table only.
export async function resolveDonor(tx: Tx, ref: DonorRef): Promise<number> {
  if ('donorId' in ref) {
    const [found] = await tx.select({ id: schema.donors.id }).from(schema.donors).where(eq(schema.donors.id, ref.donorId));
    if (!found) throw notFound(`nhà hảo tâm #${ref.donorId}`, `Donor #${ref.donorId}`);
    return found.id;
  }
  const [created] = await tx.insert(schema.donors).values({ ...ref.donor, displayName: ref.donor.anonymous ? null : ref.donor.displayName }).returning({ id: schema.donors.id });
  return created!.id;
}

// The name the public sees: the donor's chosen display name, or "Nhà hảo tâm" for anonymity.
export function publicDonorName(donor: { anonymous: boolean; displayName: string | null }): string {
  return donor.anonymous || !donor.displayName ? 'Nhà hảo tâm' : donor.displayName;
}
