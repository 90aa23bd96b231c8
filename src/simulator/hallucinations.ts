// Tool names agents invent: plausible near-misses of real tools, and (for the burst drill) fully
// random names so each call is a fresh unknown label.
import { pickOne, type Random } from './random.js';

const PLAUSIBLE = ['search_documents', 'web_search', 'read_file', 'get_weather', 'sql_query', 'send_email', 'summarise',
  'fetch_page', 'create_issue', 'list_files', 'run_shell', 'search'];

export const plausibleUnknownTool = (known: ReadonlySet<string>, random: Random): string =>
  pickOne(PLAUSIBLE.filter((n) => !known.has(n)), random);

export const randomUnknownTool = (random: Random): string =>
  `${pickOne(['get', 'list', 'run', 'find', 'update', 'delete'], random)}_${Math.floor(random() * 36 ** 6).toString(36)}`;
