// The reference server's tools, in the order tools/list reports them (most used first).
import { createTicket } from './create-ticket.js';
import { fetchUrl } from './fetch-url.js';
import { queryDb } from './query-db.js';
import { searchDocs } from './search-docs.js';
import { summarize } from './summarize.js';
import type { SampleTool } from './tool.js';

export const SAMPLE_TOOLS: readonly SampleTool[] = [searchDocs, queryDb, fetchUrl, summarize, createTicket];
export const SAMPLE_TOOL_NAMES = SAMPLE_TOOLS.map((t) => t.name);
export type { SampleTool, ToolContext } from './tool.js';
