// The six-monthly report as a PDF, for signing and filing.
import type { APIRoute } from 'astro';
import { reportPdf } from '../../staff/report-pdf';
import { reportDownload } from '../../staff/report-download';

export const prerender = false;

export const GET: APIRoute = (context) => reportDownload(context, '/staff/report.pdf', 'application/pdf', async (report, issuedOn) => new Uint8Array(await reportPdf(report, issuedOn)));
