// The six-monthly report as CSV (UTF-8 with a byte-order mark, so Excel reads the Vietnamese).
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../db/client';
import { DomainError } from '../../domain/errors';
import { defaultReportPeriod, sixMonthReport } from '../../staff/report';
import { reportCsv } from '../../staff/report-render';
import { requireStaffRoute, staffQuery } from '../../staff/page';

export const prerender = false;

export const GET: APIRoute = async (context) => {
  const refused = requireStaffRoute(context, '/staff/report.csv');
  if (refused) return refused;
  const query = staffQuery(context, '/staff/report.csv');
  const { from, to } = query.from && query.to ? { from: query.from, to: query.to } : await defaultReportPeriod(sharedDatabase().db);
  try {
    const report = await sixMonthReport(sharedDatabase().db, from, to);
    return new Response(`\uFEFF${reportCsv(report)}`, {
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="bao-cao-${from}-${to}.csv"` },
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return new Response(`${error.message}\n${error.messageEn}\n`, { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
};
