// create_ticket: file a support ticket in the process-wide in-memory tracker.
import { z } from 'zod';
import { defineTool, text } from './tool.js';

interface Ticket { id: string; title: string; severity: string; body: string; createdAt: string }
/** Bounded so a long load run cannot grow memory without limit (heap growth is a fault we inject on purpose). */
const MAX_TICKETS = 1000;
const tickets: Ticket[] = [];
let nextId = 1;

export const createTicket = defineTool({
  name: 'create_ticket',
  title: 'Create a support ticket',
  description: 'Open a support ticket with a title, a severity and an optional description.',
  inputSchema: {
    title: z.string().min(3).max(200),
    severity: z.enum(['low', 'medium', 'high']),
    body: z.string().max(10_000).default(''),
  },
  run({ title, severity, body }) {
    const ticket = { id: `T-${nextId++}`, title, severity, body, createdAt: new Date().toISOString() };
    tickets.push(ticket);
    if (tickets.length > MAX_TICKETS) tickets.shift();
    return { ...text(`Created ${ticket.id}: ${title} [${severity}]`), structuredContent: { id: ticket.id } };
  },
});
