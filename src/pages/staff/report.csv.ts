// The six-monthly report as CSV (UTF-8 with a byte-order mark, so Excel reads the Vietnamese).
import type { APIRoute } from 'astro';
import { requireStaffRoute } from '../../staff/page';
import { reportCsv } from '../../staff/report-render';
import { reportDownload } from '../../staff/report-download';

export const prerender = false;

export const GET: APIRoute = async (context) => requireStaffRoute(context, '/staff/report.csv') ?? reportDownload(context, '/staff/report.csv', 'text/csv; charset=utf-8', (report) => `\uFEFF${reportCsv(report)}`);
