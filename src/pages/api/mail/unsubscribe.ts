// One-click unsubscribe (RFC 8058): the List-Unsubscribe header and the link in every message point here.
import type { APIRoute } from 'astro';
import { sharedDatabase } from '../../../../db/client';
import { handleUnsubscribe } from '../../../mail/http';

export const prerender = false;

export const GET: APIRoute = ({ request }) => handleUnsubscribe(sharedDatabase().db, request);
export const POST: APIRoute = ({ request }) => handleUnsubscribe(sharedDatabase().db, request);
