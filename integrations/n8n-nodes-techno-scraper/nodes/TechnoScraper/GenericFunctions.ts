// Talking to a techno-scraper gateway: its catalogue (`GET /v1/sites`), one scrape
// (`POST /v1/{site}/{action}` with the parameters as a JSON object), and its problem documents
// turned into NodeApiErrors that keep the API's `code` and `retryable`.
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export const CREDENTIAL = 'technoScraperApi';

/** One parameter of an action, as `/v1/sites` lists it. */
export interface CatalogueParam {
	name: string;
	type: string;
	required: boolean;
	default: unknown;
	allowed: string[];
	description?: string;
}

/** One action of a site, as `/v1/sites` lists it. */
export interface CatalogueAction {
	name: string;
	summary: string;
	list: boolean;
	params: CatalogueParam[];
	one_of?: string[];
}

/** One site of the catalogue. */
export interface CatalogueSite {
	slug: string;
	name: string;
	configured: boolean;
	actions: CatalogueAction[];
}

/** The envelope of a successful scrape. */
export interface Envelope {
	data: IDataObject | IDataObject[];
	next_cursor?: string | null;
	next_url?: string | null;
	meta?: IDataObject;
}

/** The parameters the node itself drives on list actions. */
export const PAGING_PARAMS = ['limit', 'cursor'];

/** The largest page the API answers. */
export const MAX_PAGE = 100;

type Context = IExecuteFunctions | ILoadOptionsFunctions;

async function baseUrl(context: Context): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL);
	return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

interface RawResponse {
	statusCode: number;
	body: unknown;
}

async function send(context: Context, options: IHttpRequestOptions): Promise<RawResponse> {
	const response = (await context.helpers.httpRequestWithAuthentication.call(
		context,
		CREDENTIAL,
		{ ...options, json: true, ignoreHttpStatusErrors: true, returnFullResponse: true },
	)) as RawResponse;
	return response;
}

/** A problem document of the gateway as a NodeApiError carrying `code` and `retryable`. */
export function problemError(
	node: INode,
	status: number,
	body: unknown,
	itemIndex?: number,
): NodeApiError {
	const problem: JsonObject =
		body !== null && typeof body === 'object' && !Array.isArray(body)
			? (body as JsonObject)
			: { detail: typeof body === 'string' ? body : `the gateway answered HTTP ${status}` };
	const code = typeof problem.code === 'string' ? problem.code : `http_${status}`;
	const retryable = problem.retryable === true;
	const detail = String(problem.detail ?? problem.title ?? `HTTP ${status}`);
	const retryAfter = typeof problem.retry_after === 'number' ? problem.retry_after : undefined;
	const requestId = typeof problem.request_id === 'string' ? problem.request_id : undefined;
	const hint = retryable
		? `retryable${retryAfter !== undefined ? ` after ${retryAfter} s` : ''}`
		: 'not retryable';
	const error = new NodeApiError(node, problem, {
		message: `${code}: ${detail}`,
		description: `${detail} (code ${code}, HTTP ${status}, ${hint}${requestId ? `, request ${requestId}` : ''})`,
		httpCode: String(status),
		itemIndex,
	});
	error.context.problem = problem as IDataObject;
	error.context.code = code;
	error.context.retryable = retryable;
	error.context.status = status;
	if (retryAfter !== undefined) error.context.retry_after = retryAfter;
	if (requestId) error.context.request_id = requestId;
	return error;
}

/**
 * What the error output carries for a failed item, under `error` (n8n routes an item whose only
 * key is `error` to the error output): the problem's fields with `code`, `retryable`, `status`
 * and `message` always present.
 */
export function problemFields(error: NodeApiError): IDataObject {
	const context = error.context ?? {};
	const problem = (context.problem as IDataObject | undefined) ?? {};
	return {
		...problem,
		code: (context.code as string | undefined) ?? problem.code ?? 'error',
		retryable: (context.retryable as boolean | undefined) ?? false,
		status: (context.status as number | undefined) ?? problem.status ?? null,
		message: error.message,
	};
}

/** The sites of the gateway, with their actions and parameters. */
export async function catalogue(context: Context): Promise<CatalogueSite[]> {
	const url = `${await baseUrl(context)}/v1/sites`;
	const response = await send(context, { method: 'GET', url });
	if (response.statusCode >= 400) {
		throw problemError(context.getNode(), response.statusCode, response.body);
	}
	const body = response.body as CatalogueSite[] | { data?: CatalogueSite[] };
	const sites = Array.isArray(body) ? body : body?.data;
	if (!Array.isArray(sites)) {
		throw new NodeApiError(context.getNode(), { body: JSON.stringify(body) } as JsonObject, {
			message: 'the gateway answered /v1/sites without a list of sites',
		});
	}
	return sites;
}

/** One action of the catalogue, or an error naming what is known. */
export function findAction(
	node: INode,
	sites: CatalogueSite[],
	slug: string,
	name: string,
): CatalogueAction {
	const site = sites.find((s) => s.slug === slug);
	if (!site) {
		throw new NodeApiError(node, { code: 'unknown_site' } as JsonObject, {
			message: `unknown_site: the gateway has no site '${slug}' (it has ${sites.map((s) => s.slug).join(', ')})`,
		});
	}
	const action = site.actions.find((a) => a.name === name);
	if (!action) {
		throw new NodeApiError(node, { code: 'unknown_action' } as JsonObject, {
			message: `unknown_action: ${slug} has no action '${name}' (it has ${site.actions.map((a) => a.name).join(', ')})`,
		});
	}
	return action;
}

/** One scrape: `POST /v1/{site}/{action}` with `params`; a problem answer throws. */
export async function scrape(
	context: IExecuteFunctions,
	site: string,
	action: string,
	params: IDataObject,
	bypassCache: boolean,
	itemIndex: number,
): Promise<Envelope> {
	const url = `${await baseUrl(context)}/v1/${encodeURIComponent(site)}/${encodeURIComponent(action)}`;
	const headers: IDataObject = { Accept: 'application/json' };
	if (bypassCache) headers['Cache-Control'] = 'no-cache';
	const response = await send(context, { method: 'POST', url, body: params, headers });
	if (response.statusCode >= 400) {
		throw problemError(context.getNode(), response.statusCode, response.body, itemIndex);
	}
	const body = response.body as Envelope;
	if (body === null || typeof body !== 'object' || !('data' in body)) {
		throw new NodeApiError(context.getNode(), { body: String(response.body) } as JsonObject, {
			message: `the gateway answered ${site}/${action} without a data field`,
			itemIndex,
		});
	}
	return body;
}
