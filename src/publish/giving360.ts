// Houses as grants in the 360Giving Data Standard's JSON form, so grant tools can read the fund.
import type { PublicCampaign, PublicHouse } from './format';

export interface Grant360 {
  id: string;
  title: string;
  description: string;
  currency: 'VND';
  amountAwarded: number;
  amountDisbursed: number;
  awardDate: string;
  plannedDates?: { startDate: string; endDate?: string }[];
  recipientIndividual: { id: string };
  fundingOrganization: { id: string; name: string }[];
  beneficiaryLocation: { name: string; countryCode: 'VN' }[];
  grantProgramme: { code: string; title: string }[];
}

const TYPE_TITLE = { new_build: 'Xây mới nhà ở', repair: 'Sửa chữa nhà ở' } as const;

// A house is a grant of what the fund gave it (designated and pooled cash, goods in kind); the state
// budget's share is not the fund's grant and stays in the description. Recipients are named by house code only.
export function grantOf(house: PublicHouse, campaign: PublicCampaign, communeName: string | undefined, fundId: string, fundName: string): Grant360 | undefined {
  const awarded = house.funding.designated_vnd + house.funding.pooled_vnd + house.funding.in_kind_vnd;
  const awardDate = house.stages.find((s) => s.stage === 'funded')?.on ?? house.stages.find((s) => s.stage === 'approved')?.on;
  if (awarded <= 0 || !awardDate) return undefined;
  const started = house.stages.find((s) => s.stage === 'under_construction')?.on;
  const handedOver = house.stages.find((s) => s.stage === 'handed_over')?.on;
  return {
    id: `360G-ancu-${house.code}`,
    title: `${TYPE_TITLE[house.type]} ${house.code}`,
    description: `${TYPE_TITLE[house.type]} cho hộ ${house.poverty_status === 'poor' ? 'nghèo' : 'cận nghèo'} ${house.head}, ${communeName ?? house.area_code}. Dự toán ${house.budget_vnd} VND; ngân sách nhà nước ${house.funding.state_budget_vnd} VND.`,
    currency: 'VND',
    amountAwarded: awarded,
    amountDisbursed: house.disbursed_vnd,
    awardDate,
    ...(started ? { plannedDates: [{ startDate: started, ...(handedOver ? { endDate: handedOver } : {}) }] } : {}),
    recipientIndividual: { id: `360G-ancu-household-${house.code}` },
    fundingOrganization: [{ id: fundId, name: fundName }],
    beneficiaryLocation: [{ name: communeName ?? house.area_code, countryCode: 'VN' }],
    grantProgramme: [{ code: campaign.code, title: campaign.name }],
  };
}
