import type { z } from 'zod';
import type { donorInput } from './schemas';

// A gift names a known donor or brings a new one.
export type DonorRef = { donorId: number } | { donor: z.output<typeof donorInput> };

// The name the public sees: the donor's chosen display name, or "Nhà hảo tâm" for anonymity.
export function publicDonorName(donor: { anonymous: boolean; displayName: string | null }): string {
  return donor.anonymous || !donor.displayName ? 'Nhà hảo tâm' : donor.displayName;
}
