// The report as a downloaded file (CSV or PDF): the same period and refusal for each format; each route guards itself first.
import type { APIContext } from 'astro';
import { sharedDatabase } from '../../db/client';
import { DomainError } from '../domain/errors';
import { todayInVietnam } from './forms';
import { staffQuery } from './page';
import { defaultReportPeriod, sixMonthReport, type SixMonthReport } from './report';

// Builds the report for the asked (or default) period and hands it to the format's writer.
export async function reportDownload(context: APIContext, pattern: '/staff/report.csv' | '/staff/report.pdf', type: string,
  write: (report: SixMonthReport, issuedOn: string) => Promise<BodyInit> | BodyInit): Promise<Response> {
  const { db } = sharedDatabase();
  const query = staffQuery(context, pattern);
  const { from, to } = query.from && query.to ? { from: query.from, to: query.to } : await defaultReportPeriod(db);
  try {
    const report = await sixMonthReport(db, from, to);
    return new Response(await write(report, todayInVietnam()), {
      headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="bao-cao-${from}-${to}.${pattern.slice(-3)}"` },
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return new Response(`${error.message}\n${error.messageEn}\n`, { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
}
