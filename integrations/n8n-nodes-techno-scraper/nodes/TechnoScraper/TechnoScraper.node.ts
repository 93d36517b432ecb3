// The Techno Scraper node: one node for every site and action of a techno-scraper gateway. The
// Site and Action dropdowns and the parameter fields are read from the gateway's catalogue
// (`GET /v1/sites`); list actions are paged by `next_cursor` up to a limit or to the end; every
// record becomes one item; problems become NodeApiErrors with the API's `code` and `retryable`,
// or items on the error output when the node is set to continue.
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	ResourceMapperField,
	ResourceMapperFields,
	ResourceMapperValue,
	FieldType,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	CREDENTIAL,
	MAX_PAGE,
	PAGING_PARAMS,
	catalogue,
	findAction,
	problemFields,
	scrape,
	type CatalogueAction,
	type CatalogueParam,
	type CatalogueSite,
} from './GenericFunctions';

/** The n8n field type of a catalogue parameter. */
function fieldType(param: CatalogueParam): FieldType {
	if (param.allowed.length > 0) return 'options';
	switch (param.type) {
		case 'integer':
		case 'number':
			return 'number';
		case 'boolean':
			return 'boolean';
		default:
			return 'string';
	}
}

/** The parameters the user gave: empty fields left out, so the gateway's defaults apply. */
function givenParams(mapper: ResourceMapperValue | undefined): IDataObject {
	const params: IDataObject = {};
	for (const [name, value] of Object.entries(mapper?.value ?? {})) {
		if (value === null || value === undefined || value === '') continue;
		if (PAGING_PARAMS.includes(name)) continue;
		params[name] = value as IDataObject[keyof IDataObject];
	}
	return params;
}

export class TechnoScraper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Techno Scraper',
		name: 'technoScraper',
		icon: { light: 'file:technoScraper.svg', dark: 'file:technoScraper.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["site"] + " / " + $parameter["action"]}}',
		description:
			'Read SoundCloud, Beatport, Bandcamp and other music sites through a techno-scraper gateway',
		defaults: {
			name: 'Techno Scraper',
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: CREDENTIAL,
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Site Name or ID',
				name: 'site',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getSites' },
				default: '',
				required: true,
				description:
					'The site to read, as the gateway lists it. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Action Name or ID',
				name: 'action',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getActions', loadOptionsDependsOn: ['site'] },
				default: '',
				required: true,
				description:
					'What to read from the site. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Parameters',
				name: 'parameters',
				type: 'resourceMapper',
				noDataExpression: true,
				default: {
					mappingMode: 'defineBelow',
					value: null,
				},
				required: true,
				typeOptions: {
					loadOptionsDependsOn: ['site', 'action'],
					resourceMapper: {
						resourceMapperMethod: 'getActionParameters',
						mode: 'add',
						fieldWords: { singular: 'parameter', plural: 'parameters' },
						addAllFields: true,
						multiKeyMatch: false,
						supportAutoMap: false,
					},
				},
			},
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				description: 'Max number of results to return',
				displayOptions: { show: { returnAll: [false] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Bypass Cache',
						name: 'bypassCache',
						type: 'boolean',
						default: false,
						description: "Whether to skip the gateway's answer cache (Cache-Control: no-cache)",
					},
				],
			},
		],
	};

	methods = {
		loadOptions: {
			async getSites(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const sites = await catalogue(this);
				return sites.map((site: CatalogueSite) => ({
					name: site.configured ? site.name : `${site.name} (not configured)`,
					value: site.slug,
					description: site.actions.map((a) => a.name).join(', '),
				}));
			},

			async getActions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const slug = this.getCurrentNodeParameter('site') as string;
				const site = (await catalogue(this)).find((s) => s.slug === slug);
				return (site?.actions ?? []).map((action: CatalogueAction) => ({
					name: action.list ? `${action.name} (list)` : action.name,
					value: action.name,
					description: action.summary,
				}));
			},
		},

		resourceMapping: {
			async getActionParameters(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
				const slug = this.getCurrentNodeParameter('site') as string;
				const name = this.getCurrentNodeParameter('action') as string;
				const site = (await catalogue(this)).find((s) => s.slug === slug);
				const action = site?.actions.find((a) => a.name === name);
				if (!action) return { fields: [] };
				const fields: ResourceMapperField[] = action.params
					.filter((param) => !(action.list && PAGING_PARAMS.includes(param.name)))
					.map((param) => {
						const oneOf = action.one_of?.includes(param.name) ?? false;
						const defaultValue =
							typeof param.default === 'string' ||
							typeof param.default === 'number' ||
							typeof param.default === 'boolean'
								? param.default
								: undefined;
						return {
							id: param.name,
							displayName: oneOf ? `${param.name} (one of ${action.one_of?.join('/')})` : param.name,
							required: param.required,
							defaultMatch: false,
							canBeUsedToMatch: false,
							display: true,
							type: fieldType(param),
							options: param.allowed.map((value) => ({ name: value, value })),
							defaultValue,
						};
					});
				return {
					fields,
					emptyFieldsNotice: `${slug}/${name} takes no parameters`,
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		let sites: CatalogueSite[] | undefined;

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const site = this.getNodeParameter('site', itemIndex) as string;
				const actionName = this.getNodeParameter('action', itemIndex) as string;
				const mapper = this.getNodeParameter('parameters', itemIndex, undefined) as
					| ResourceMapperValue
					| undefined;
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const bypassCache = options.bypassCache === true;
				sites ??= await catalogue(this);
				const action = findAction(this.getNode(), sites, site, actionName);
				const params = givenParams(mapper);

				if (!action.list) {
					const envelope = await scrape(this, site, actionName, params, bypassCache, itemIndex);
					returnData.push({ json: envelope.data as IDataObject, pairedItem: { item: itemIndex } });
					continue;
				}

				const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
				let remaining = returnAll
					? Number.POSITIVE_INFINITY
					: (this.getNodeParameter('limit', itemIndex, 50) as number);
				let cursor: string | null | undefined;
				do {
					const page: IDataObject = { ...params, limit: Math.min(MAX_PAGE, remaining) };
					if (cursor) page.cursor = cursor;
					const envelope = await scrape(this, site, actionName, page, bypassCache, itemIndex);
					const records = Array.isArray(envelope.data) ? envelope.data : [envelope.data];
					for (const record of records.slice(0, remaining)) {
						returnData.push({ json: record, pairedItem: { item: itemIndex } });
					}
					remaining -= records.length;
					cursor = envelope.next_cursor;
				} while (cursor && remaining > 0);
			} catch (error) {
				if (this.continueOnFail()) {
					const fields =
						error instanceof NodeApiError
							? problemFields(error)
							: { code: 'error', retryable: false, message: (error as Error).message };
					returnData.push({ json: { error: fields }, pairedItem: { item: itemIndex } });
					continue;
				}
				throw error instanceof NodeApiError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		}

		return [returnData];
	}
}
