// The pages fetch_url serves. There is no network access: only these fake URLs exist.
export const FAKE_PAGES: Readonly<Record<string, { contentType: string; body: string }>> = {
  'https://docs.example.test/': { contentType: 'text/html',
    body: '<h1>Example docs</h1><p>Guides for the example platform: setup, tools, transports and monitoring.</p>' },
  'https://docs.example.test/changelog': { contentType: 'text/markdown',
    body: '# Changelog\n\n## 1.4.0\n- Streamable HTTP sessions\n- Idle session reaping\n\n## 1.3.0\n- Audit trail' },
  'https://status.example.test/api/v1/status': { contentType: 'application/json',
    body: '{"status":"operational","components":{"api":"operational","search":"degraded"}}' },
  'https://blog.example.test/observability': { contentType: 'text/html',
    body: '<article><h1>Observing MCP servers</h1><p>Measure tool latency, error ratios and hallucinated tool calls. Alert on burn rates, not on single errors.</p></article>' },
  'https://api.example.test/v1/weather?city=berlin': { contentType: 'application/json',
    body: '{"city":"Berlin","temperature_c":14,"conditions":"light rain"}' },
};
