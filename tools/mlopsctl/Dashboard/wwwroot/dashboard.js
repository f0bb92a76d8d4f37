'use strict';
// The dashboard's page: polls /api/overview every 2 s and draws each section from it. Every string from the API goes
// into the page as text (textContent / text nodes), never as HTML.
(() => {
  const pollInterval = 2000;
  let timer = null;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'onclick') node.addEventListener('click', value);
      else if (key.startsWith('data-') || ['title', 'colspan', 'type', 'aria-label', 'datetime'].includes(key)) node.setAttribute(key, String(value));
      else if (key === 'href') { if (/^https?:\/\//i.test(value)) node.setAttribute('href', value); }
      else throw new Error('unexpected attribute ' + key);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const text = value => (value === null || value === undefined || value === '') ? '—' : String(value);
  const short = id => (id ? String(id).slice(0, 8) : '—');

  function time(value) {
    if (!value) return '—';
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? String(value) : at.toLocaleString();
  }

  function duration(from, to) {
    const start = Date.parse(from);
    const end = to ? Date.parse(to) : Date.now();
    if (Number.isNaN(start) || Number.isNaN(end)) return '—';
    const seconds = Math.max(0, (end - start) / 1000);
    if (seconds < 60) return seconds.toFixed(1) + ' s';
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + ' min ' + Math.round(seconds % 60) + ' s';
    return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function table(headers, rows) {
    return el('table', null,
      el('thead', null, el('tr', null, headers.map(h => el('th', null, h)))),
      el('tbody', null, rows));
  }

  function errors(messages) {
    return messages.filter(Boolean).map(message => el('p', { class: 'error' }, message));
  }

  function empty(message) {
    return el('p', { class: 'empty' }, message);
  }

  function fill(id, ...content) {
    document.querySelector('#' + id + ' .body').replaceChildren(...content.flat(Infinity).filter(Boolean));
  }

  function notify(message, failed) {
    const notice = document.getElementById('notice');
    notice.textContent = message;
    notice.className = failed ? 'error' : 'ok';
    notice.hidden = false;
  }

  async function act(button, path, what) {
    button.disabled = true;
    try {
      const response = await fetch(path, { method: 'POST', headers: { 'X-Mlops-Dashboard': '1' } });
      let answer = null;
      try { answer = await response.json(); } catch { answer = null; }
      const message = answer && typeof answer.message === 'string' ? answer.message : 'HTTP ' + response.status;
      notify(what + ': ' + message, !response.ok);
    } catch (error) {
      notify(what + ': the dashboard did not answer (' + error.message + ')', true);
    }
    refresh();
  }

  function drawServices(services) {
    document.getElementById('services').replaceChildren(...services.map(s =>
      el('li', { class: s.error ? 'down' : 'up', 'data-service': s.name, title: s.error || 'answering' }, s.name, s.error ? ': ' + s.error : '')));
  }

  function drawFailed(failed) {
    const rows = failed.items.map(({ service, saga }) => {
      const f = saga.failed;
      const replay = el('button', {
        type: 'button', class: 'replay', 'data-saga-id': saga.id,
        onclick: event => act(event.currentTarget,
          '/api/services/' + encodeURIComponent(service) + '/sagas/' + encodeURIComponent(saga.id) + '/replay?type=' + encodeURIComponent(saga.sagaType),
          'Replay of ' + saga.sagaType + ' ' + short(saga.id)),
      }, 'Replay');
      return el('tr', { 'data-saga-id': saga.id },
        el('td', null, service), el('td', null, saga.sagaType), el('td', { title: saga.id }, short(saga.id)),
        el('td', null, text(f.step)), el('td', { class: 'reason' }, text(f.reason)), el('td', null, text(f.kind)),
        el('td', null, text(f.attempts)), el('td', null, time(f.failedAt)), el('td', null, replay));
    });
    fill('failed', errors(failed.errors.map(e => e.message)),
      rows.length ? table(['Service', 'Saga', 'Id', 'Failed step', 'Reason', 'Kind', 'Attempts', 'Failed at', ''], rows) : empty('No failed saga.'));
  }

  function drawApprovals(approvals) {
    const items = Array.isArray(approvals.items) ? approvals.items : [];
    const rows = items.map(p => {
      const approve = el('button', {
        type: 'button', class: 'approve', 'data-saga-id': p.sagaId,
        onclick: event => act(event.currentTarget,
          '/api/models/' + encodeURIComponent(p.model) + '/versions/' + encodeURIComponent(p.version) + '/approve',
          'Approval of ' + p.model + ' version ' + p.version),
      }, 'Approve');
      const metrics = Object.entries(p.metrics || {}).map(([name, value]) => name + ' ' + value).join(', ');
      return el('tr', { 'data-saga-id': p.sagaId },
        el('td', null, p.model), el('td', null, p.version), el('td', null, text(p.alias)),
        el('td', null, el('ul', { class: 'gates' }, (p.gates || []).map(g => el('li', null, g)))),
        el('td', null, text(metrics)), el('td', null, text(p.trigger)), el('td', null, time(p.approveBy)), el('td', null, approve));
    });
    fill('approvals', errors([approvals.error]),
      rows.length ? table(['Model', 'Version', 'Alias', 'Gates', 'Metrics', 'Trigger', 'Approve by', ''], rows) : empty('No promotion waits for approval.'));
  }

  function drawFlows(flows) {
    const cards = flows.items.map(flow => {
      const starts = flow.sagas.map(s => Date.parse(s.saga.createdAt));
      const ends = flow.sagas.map(s => Date.parse(s.saga.finishedAt || s.saga.updatedAt));
      const first = Math.min(...starts);
      const last = Math.max(...ends, Date.now());
      const span = Math.max(1, last - first);
      const failing = flow.sagas.filter(s => s.saga.failed);
      const rows = flow.sagas.map(({ service, saga }) => {
        const start = Date.parse(saga.createdAt);
        const end = saga.finishedAt ? Date.parse(saga.finishedAt) : Date.now();
        const bar = el('span', { class: 'bar ' + (saga.failed ? 'failed' : saga.finishedAt ? 'finished' : 'running') });
        bar.style.marginLeft = ((start - first) / span * 100).toFixed(2) + '%';
        bar.style.width = Math.max(1, (end - start) / span * 100).toFixed(2) + '%';
        return el('tr', { 'data-saga-id': saga.id, class: saga.failed ? 'failed' : null },
          el('td', null, service), el('td', null, saga.sagaType), el('td', { class: 'state' }, saga.state),
          el('td', null, duration(saga.createdAt, saga.finishedAt)),
          el('td', null, saga.failed ? saga.failed.step + ': ' + text(saga.failed.reason) : '—'),
          el('td', { class: 'track' }, bar));
      });
      const lines = flow.timeline.map(({ service, line }) => el('tr', { class: line.error ? 'failed' : null },
        el('td', null, time(line.at)), el('td', null, service), el('td', null, line.sagaType + ' ' + short(line.sagaId)),
        el('td', null, line.event), el('td', null, text(line.requestedBy)),
        el('td', null, text(line.fromState) + ' → ' + text(line.toState)), el('td', { class: 'reason' }, text(line.error))));
      return el('article', { class: 'flow', 'data-flow-id': flow.flowId },
        el('h3', null, 'Flow ' + flow.flowId,
          failing.map(s => el('span', { class: 'badge failed' }, s.saga.sagaType + ' failed at ' + s.saga.failed.step))),
        table(['Service', 'Saga', 'State', 'Duration', 'Failing step', 'Timeline'], rows),
        el('details', null, el('summary', null, 'Every transition (' + flow.timeline.length + ')'),
          table(['At', 'Service', 'Saga', 'Event', 'By', 'From → to', 'Error'], lines)));
    });
    fill('flows', errors(flows.errors.map(e => e.message)), cards.length ? cards : empty('No flow yet.'));
  }

  function drawModels(models) {
    const items = Array.isArray(models.items) ? models.items : [];
    const rows = items.flatMap(m => {
      const ready = m.readyReplicas === null || m.readyReplicas === undefined ? 'unknown' : m.readyReplicas;
      const row = el('tr', { 'data-model': m.model },
        el('td', null, m.model), el('td', { class: 'state' }, m.state), el('td', { class: 'serving' }, text(m.servingVersion)),
        el('td', null, text(m.alias)), el('td', { class: 'replicas' }, ready + ' / ' + text(m.replicas)),
        el('td', null, text(m.rollingOutVersion)), el('td', null, time(m.servingSince)));
      const ledger = el('tr', { class: 'ledger' }, el('td', { colspan: 7 }, el('details', null,
        el('summary', null, 'Ledger (' + (m.ledger || []).length + ')'),
        table(['Version', 'Alias', 'Outcome', 'Reason', 'Trigger', 'Started', 'At'], (m.ledger || []).map(l => el('tr', null,
          el('td', null, l.version), el('td', null, text(l.alias)), el('td', null, l.outcome), el('td', { class: 'reason' }, text(l.reason)),
          el('td', null, text(l.trigger)), el('td', null, time(l.startedAt)), el('td', null, time(l.at))))))));
      return [row, ledger];
    });
    fill('models', errors([models.error]),
      rows.length ? table(['Model', 'State', 'Serving version', 'Alias', 'Ready / replicas', 'Rolling out', 'Serving since'], rows) : empty('No model is served.'));
  }

  function drawTriggers(triggers) {
    const items = Array.isArray(triggers.items) ? triggers.items : [];
    fill('triggers', errors([triggers.error]), items.length
      ? table(['Source', 'Last event seen'], items.map(t => el('tr', { 'data-source': t.source },
        el('td', null, t.source), el('td', null, t.lastSeenAt ? time(t.lastSeenAt) : 'none since the promoter started'))))
      : empty('No trigger source reported.'));
  }

  function drawQueues(queues) {
    const ui = queues.managementUrl ? el('p', null, 'RabbitMQ management: ', el('a', { href: queues.managementUrl }, queues.managementUrl), ' (vhost ' + queues.vhost + ')') : null;
    const rows = queues.items.map(q => el('tr', { class: q.isError && q.messages > 0 ? 'failed' : null, 'data-queue': q.name },
      el('td', null, el('a', { href: q.url }, q.name)), el('td', null, q.isError ? 'error queue' : 'queue'), el('td', null, q.messages)));
    fill('queues', ui, errors([queues.error]), rows.length ? table(['Queue', 'Kind', 'Messages'], rows) : (queues.error ? null : empty('No queue.')));
  }

  function draw(overview) {
    drawServices(overview.services);
    drawFailed(overview.failed);
    drawApprovals(overview.approvals);
    drawFlows(overview.flows);
    drawModels(overview.models);
    drawTriggers(overview.triggers);
    drawQueues(overview.queues);
  }

  async function refresh() {
    clearTimeout(timer);
    const status = document.getElementById('status');
    try {
      const response = await fetch('/api/overview', { cache: 'no-store' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const overview = await response.json();
      draw(overview);
      status.textContent = 'Updated ' + time(overview.generatedAt);
      status.className = 'ok';
    } catch (error) {
      // What was shown stays; the line says it is stale and why.
      status.textContent = 'The dashboard did not answer (' + error.message + '); showing what it said last.';
      status.className = 'error';
    }
    timer = setTimeout(refresh, pollInterval);
  }

  refresh();
})();
