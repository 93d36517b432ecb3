// Unit tests of the built node (dist/) with Node's own test runner: the dropdowns and parameter
// fields read from a catalogue, paging by next_cursor up to a limit, one item per record, and
// problems as errors carrying `code` and `retryable` (thrown, or on the error output).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const { TechnoScraper } = require('../dist/nodes/TechnoScraper/TechnoScraper.node.js');

const SITES = {
	data: [
		{
			slug: 'beatport',
			name: 'Beatport',
			configured: true,
			actions: [
				{
					name: 'top100',
					summary: 'The Top 100 tracks of a genre',
					list: true,
					one_of: [],
					params: [
						{ name: 'genre_id', type: 'integer', required: false, default: null, allowed: [] },
						{ name: 'limit', type: 'integer', required: false, default: 100, allowed: [] },
						{ name: 'cursor', type: 'string', required: false, default: null, allowed: [] },
					],
				},
				{
					name: 'search',
					summary: 'Search Beatport',
					list: true,
					one_of: [],
					params: [
						{ name: 'q', type: 'string', required: true, default: null, allowed: [] },
						{ name: 'type', type: 'string', required: false, default: 'all', allowed: ['tracks', 'all'] },
					],
				},
			],
		},
		{
			slug: 'soundcloud',
			name: 'SoundCloud',
			configured: false,
			actions: [
				{
					name: 'profile',
					summary: "A user's profile",
					list: false,
					one_of: [],
					params: [{ name: 'user', type: 'string', required: true, default: null, allowed: [] }],
				},
			],
		},
	],
};

/** A fake n8n context answering requests with `answer(options)`. */
function context({ parameters = {}, answer, continueOnFail = false }) {
	const requests = [];
	return {
		requests,
		getCredentials: async () => ({ baseUrl: 'http://gateway:8000/', apiKey: 'k' }),
		getNode: () => ({ name: 'Techno Scraper', type: 'technoScraper', typeVersion: 1, parameters: {} }),
		getCurrentNodeParameter: (name) => parameters[name],
		getNodeParameter: (name, _index, fallback) => (name in parameters ? parameters[name] : fallback),
		getInputData: () => [{ json: {} }],
		continueOnFail: () => continueOnFail,
		helpers: {
			httpRequestWithAuthentication: async (credential, options) => {
				assert.equal(credential, 'technoScraperApi');
				requests.push(options);
				if (options.url.endsWith('/v1/sites')) return { statusCode: 200, body: SITES };
				return answer(options);
			},
		},
	};
}

const node = new TechnoScraper();

test('sites and actions come from the catalogue', async () => {
	const sites = await node.methods.loadOptions.getSites.call(context({}));
	assert.deepEqual(
		sites.map((s) => [s.name, s.value]),
		[
			['Beatport', 'beatport'],
			['SoundCloud (not configured)', 'soundcloud'],
		],
	);
	const actions = await node.methods.loadOptions.getActions.call(
		context({ parameters: { site: 'beatport' } }),
	);
	assert.deepEqual(
		actions.map((a) => a.value),
		['top100', 'search'],
	);
	assert.equal(actions[0].name, 'top100 (list)');
});

test('parameter fields have their types, defaults and allowed values, without limit and cursor', async () => {
	const { fields } = await node.methods.resourceMapping.getActionParameters.call(
		context({ parameters: { site: 'beatport', action: 'search' } }),
	);
	assert.deepEqual(
		fields.map((f) => [f.id, f.type, f.required, f.defaultValue]),
		[
			['q', 'string', true, undefined],
			['type', 'options', false, 'all'],
		],
	);
	assert.deepEqual(fields[1].options, [
		{ name: 'tracks', value: 'tracks' },
		{ name: 'all', value: 'all' },
	]);
	const top = await node.methods.resourceMapping.getActionParameters.call(
		context({ parameters: { site: 'beatport', action: 'top100' } }),
	);
	assert.deepEqual(
		top.fields.map((f) => [f.id, f.type]),
		[['genre_id', 'number']],
	);
});

test('a list asks pages of at most 100 and ignores limit and cursor given as parameters', async () => {
	const ctx = context({
		parameters: {
			site: 'beatport',
			action: 'top100',
			parameters: { mappingMode: 'defineBelow', value: { genre_id: 6, limit: 7, cursor: '' } },
			returnAll: false,
			limit: 150,
		},
		answer: (options) => {
			const start = options.body.cursor ? Number(options.body.cursor) : 0;
			const data = Array.from({ length: Math.min(options.body.limit, 100 - start) }, (_, i) => ({
				position: start + i + 1,
			}));
			const end = start + data.length;
			return {
				statusCode: 200,
				body: { data, next_cursor: end < 100 ? String(end) : null, meta: {} },
			};
		},
	});
	const [items] = await node.execute.call(ctx);
	assert.equal(items.length, 100);
	assert.deepEqual(
		items.map((i) => i.json.position),
		Array.from({ length: 100 }, (_, i) => i + 1),
	);
	const pages = ctx.requests.filter((r) => r.method === 'POST');
	assert.deepEqual(
		pages.map((p) => p.body),
		[{ genre_id: 6, limit: 100 }],
	);
	assert.equal(pages[0].url, 'http://gateway:8000/v1/beatport/top100');
});

test('a limit is reached across pages, one item per record', async () => {
	const ctx = context({
		parameters: {
			site: 'beatport',
			action: 'top100',
			parameters: { mappingMode: 'defineBelow', value: {} },
			returnAll: false,
			limit: 30,
		},
		answer: (options) => {
			const start = options.body.cursor ? Number(options.body.cursor) : 0;
			const data = Array.from({ length: Math.min(options.body.limit, 20) }, (_, i) => ({
				position: start + i + 1,
			}));
			return { statusCode: 200, body: { data, next_cursor: String(start + data.length) } };
		},
	});
	const [items] = await node.execute.call(ctx);
	assert.deepEqual(
		items.map((i) => i.json.position),
		Array.from({ length: 30 }, (_, i) => i + 1),
	);
	assert.deepEqual(
		ctx.requests.filter((r) => r.method === 'POST').map((p) => p.body),
		[{ limit: 30 }, { limit: 10, cursor: '20' }],
	);
});

test('Return All walks every page', async () => {
	const ctx = context({
		parameters: {
			site: 'beatport',
			action: 'top100',
			parameters: { mappingMode: 'defineBelow', value: {} },
			returnAll: true,
		},
		answer: (options) =>
			options.body.cursor === 'p2'
				? { statusCode: 200, body: { data: [{ id: 3 }], next_cursor: null } }
				: { statusCode: 200, body: { data: [{ id: 1 }, { id: 2 }], next_cursor: 'p2' } },
	});
	const [items] = await node.execute.call(ctx);
	assert.deepEqual(
		items.map((i) => i.json.id),
		[1, 2, 3],
	);
});

const problem = {
	type: 'about:blank',
	title: 'Rate limited by upstream',
	status: 429,
	code: 'rate_limited',
	detail: 'soundcloud answered 429',
	retryable: true,
	retry_after: 2,
	request_id: 'r1',
};

test('a problem is thrown as an error carrying code and retryable', async () => {
	const ctx = context({
		parameters: {
			site: 'soundcloud',
			action: 'profile',
			parameters: { mappingMode: 'defineBelow', value: { user: 'x' } },
		},
		answer: () => ({ statusCode: 429, body: problem }),
	});
	await assert.rejects(node.execute.call(ctx), (error) => {
		assert.equal(error.name, 'NodeApiError');
		assert.match(error.message, /^rate_limited: soundcloud answered 429/);
		assert.equal(error.context.code, 'rate_limited');
		assert.equal(error.context.retryable, true);
		assert.equal(error.context.retry_after, 2);
		assert.equal(error.httpCode, '429');
		return true;
	});
});

test('with continue on fail, the problem goes out as the error of the item', async () => {
	const ctx = context({
		continueOnFail: true,
		parameters: {
			site: 'soundcloud',
			action: 'profile',
			parameters: { mappingMode: 'defineBelow', value: { user: 'x' } },
		},
		answer: () => ({ statusCode: 429, body: problem }),
	});
	const [items] = await node.execute.call(ctx);
	assert.equal(items.length, 1);
	assert.deepEqual(Object.keys(items[0].json), ['error']);
	assert.equal(items[0].json.error.code, 'rate_limited');
	assert.equal(items[0].json.error.retryable, true);
	assert.equal(items[0].json.error.status, 429);
	assert.deepEqual(items[0].pairedItem, { item: 0 });
});
