// The six-monthly report as a PDF, for signing and filing.
import type { APIRoute } from 'astro';
import { requireStaffRoute } from '../../staff/page';
import { reportPdf } from '../../staff/report-pdf';
import { reportDownload } from '../../staff/report-download';

export const prerender = false;

export const GET: APIRoute = async (context) => requireStaffRoute(context, '/staff/report.pdf') ?? reportDownload(context, '/staff/report.pdf', 'application/pdf', async (report, issuedOn) => new Uint8Array(await reportPdf(report, issuedOn)));
