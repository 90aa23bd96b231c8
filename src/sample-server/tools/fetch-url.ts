// fetch_url: return a page from the fixed fake web (never the real network); unknown URL is a tool error.
import { z } from 'zod';
import { FAKE_PAGES } from './fake-web.js';
import { defineTool, text, toolError } from './tool.js';

export const fetchUrl = defineTool({
  name: 'fetch_url',
  title: 'Fetch a URL',
  description: 'Fetch a web page and return its content. Only https URLs are supported.',
  inputSchema: { url: z.url({ protocol: /^https$/ }).describe('The https URL to fetch') },
  run({ url }) {
    const page = FAKE_PAGES[url];
    if (!page) return toolError(`fetch_url: 404 Not Found: ${url}`);
    return { ...text(page.body), structuredContent: { url, status: 200, contentType: page.contentType, bytes: page.body.length } };
  },
});
