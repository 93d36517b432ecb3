// The credential of a techno-scraper gateway: where it answers and one of its API keys, sent as
// `X-API-Key` on every request; n8n tests it against `GET /v1/sites`.
import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class TechnoScraperApi implements ICredentialType {
	name = 'technoScraperApi';

	displayName = 'Techno Scraper API';

	icon: Icon = {
		light: 'file:../nodes/TechnoScraper/technoScraper.svg',
		dark: 'file:../nodes/TechnoScraper/technoScraper.dark.svg',
	};

	documentationUrl = 'https://github.com/techno-scraper/techno-scraper/tree/main/integrations/n8n-nodes-techno-scraper#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://gateway:8000',
			placeholder: 'http://127.0.0.1:8000',
			description:
				'Where the gateway answers, without /v1 (beside it in docker compose: http://gateway:8000)',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'One of the keys of TECHNO_SCRAPER_API_KEYS',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/sites',
		},
	};
}
