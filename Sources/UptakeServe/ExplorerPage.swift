/// The explorer's one page: HTML, inline CSS and a small inline script, no
/// file, font or script from anywhere else (the page's policy forbids them).
/// The script builds the controls from the scenario descriptions
/// (`ScenarioDescription`), starts runs over a WebSocket (`ExplorerRun`),
/// shows the charts the server draws, and keeps pinned runs for comparison.
/// Text from the project (names, docs, errors) goes in as text, never as
/// HTML; only the server's SVG charts are inserted as markup.
enum ExplorerPage {
    static func html(nonce: String) -> String {
        template.replacingOccurrences(of: "NONCE", with: nonce)
    }

    static let template = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <title>Uptake explorer</title>
        <style>
        :root {
          --ink: #1d2330; --muted: #5b6475; --line: #d8dce3; --accent: #1f6feb; --changed: #fff4d6; --bad: #b42318;
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--ink); background: #f6f7f9; }
        header {
          display: flex; gap: 12px; align-items: center; padding: 10px 16px;
          background: #fff; border-bottom: 1px solid var(--line);
        }
        header h1 { font-size: 16px; margin: 0; }
        header select { font: inherit; padding: 3px; max-width: 45em; }
        #about { color: var(--muted); }
        main { display: grid; grid-template-columns: minmax(320px, 400px) 1fr; gap: 16px; padding: 16px; }
        aside, section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
        fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 12px; padding: 8px; min-width: 0; }
        legend { font-weight: 600; padding: 0 4px; }
        .plugin-about { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
        .param {
          display: grid; grid-template-columns: 8.5em 1fr auto; gap: 4px 6px; align-items: center;
          padding: 3px 2px; border-radius: 3px;
        }
        .param.changed { background: var(--changed); }
        .param .unit { grid-column: 2 / 4; color: var(--muted); font-size: 12px; }
        .param input[type=number], .param input[type=text], .param select { width: 100%; font: inherit; }
        .param .pair { display: flex; gap: 6px; }
        .param > *, .param .pair input[type=range] { min-width: 0; }
        .param .pair input[type=range] { flex: 1; }
        .param .pair input[type=number] { width: 7em; }
        .param code { font-size: 12px; }
        .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
        button {
          font: inherit; padding: 5px 12px; border: 1px solid var(--line); border-radius: 4px;
          background: #fff; cursor: pointer;
        }
        button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        button:disabled { opacity: .5; cursor: default; }
        #status { min-height: 1.4em; margin-bottom: 8px; }
        #status.error { color: var(--bad); white-space: pre-wrap; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
        figure { margin: 0; } figcaption { font-weight: 600; font-size: 13px; }
        figure svg { width: 100%; height: auto; display: block; }
        #downloads { margin: 8px 0; }
        #downloads a { margin-right: 12px; }
        .note { color: var(--muted); font-size: 12px; }
        h2 { font-size: 15px; margin: 16px 0 8px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        .pins { display: flex; gap: 10px; overflow-x: auto; }
        .pin { flex: 0 0 340px; border: 1px solid var(--line); border-radius: 4px; padding: 8px; }
        .pin h3 { font-size: 13px; margin: 0 0 6px; display: flex; justify-content: space-between; gap: 6px; }
        </style>
        </head>
        <body data-state="loading">
        <header>
          <h1>Uptake explorer</h1>
          <select id="scenario" aria-label="Scenario"></select>
          <span id="about"></span>
        </header>
        <main>
          <aside>
            <form id="form" autocomplete="off">
              <fieldset id="knobs"></fieldset>
              <div id="plugins"></div>
            </form>
            <div class="buttons">
              <button id="run" class="primary" type="button">Run</button>
              <button id="baseline" type="button"
                title="Run the scenario as written (with these ticks, seed and firms) and pin it as the baseline">
                Run baseline</button>
              <button id="stop" type="button" disabled>Stop</button>
              <button id="reset" type="button" title="Read the scenario file again and show its values">Reset</button>
            </div>
          </aside>
          <section>
            <div id="status" role="status"></div>
            <div id="charts" class="charts"></div>
            <div id="downloads"></div>
            <button id="pin" type="button" disabled>Pin this run</button>
            <h2>Pinned runs</h2>
            <p class="note" id="pins-note">
                  Pin runs to compare them side by side; "Run baseline" pins the unchanged scenario.</p>
            <table id="compare"></table>
            <div id="pins" class="pins"></div>
          </section>
        </main>
        <script nonce="NONCE">
        'use strict';
        const token = new URLSearchParams(location.search).get('token') || '';
        const withToken = p => p + (p.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
        const $ = id => document.getElementById(id);
        let scenarios = [], current = null, socket = null, last = null, pins = [];

        function el(tag, props = {}, ...children) {
          const e = Object.assign(document.createElement(tag), props);
          e.append(...children);
          return e;
        }
        function status(text, kind = '') { $('status').textContent = text; $('status').className = kind; }
        async function getJSON(path) {
          const answer = await fetch(withToken(path));
          const body = await answer.json();
          if (!answer.ok) throw new Error(body.error || answer.statusText);
          return body;
        }
        function format(value, unit) {
          if (value === null || value === undefined) return '—';
          if (unit.startsWith('share')) return (100 * value).toFixed(1) + '%';
          return value.toLocaleString('en', { maximumSignificantDigits: 4 });
        }

        async function start() {
          try {
            scenarios = await getJSON('api/scenarios');
          } catch (e) {
            return status('Cannot read the scenarios: ' + e.message, 'error');
          }
          for (const s of scenarios) {
            const name = s.kind === 'broken' ? s.file + ' (cannot run)' : s.name + ' (' + s.file + ')';
            $('scenario').append(el('option', { value: s.file, textContent: name }));
          }
          $('scenario').onchange = () => choose($('scenario').value);
          if (scenarios.length) choose(scenarios[0].file);
          else status('This project has no scenarios (scenarios/*.lua).', 'error');
          document.body.dataset.state = 'ready';
        }

        function choose(file) {
          current = scenarios.find(s => s.file === file);
          $('about').textContent = current.description;
          $('knobs').replaceChildren(el('legend', { textContent: 'Scenario' }));
          $('plugins').replaceChildren();
          const broken = current.kind === 'broken';
          $('run').disabled = $('baseline').disabled = broken;
          if (broken) return status(current.error, 'error');
          status('');
          const k = current.knobs;
          knob('ticks', k.ticks, 'Number of ticks: ' + current.unit + 's from ' + current.start);
          knob('seed', k.seed, 'Random seed: the same seed gives the same run');
          if (k.firms !== null && k.firms !== undefined) knob('firms', k.firms, 'Number of firms');
          for (const plugin of current.plugins) $('plugins').append(pluginBox(plugin));
        }

        function knob(name, value, title) {
          const min = name === 'seed' ? 0 : 1;
          const input = el('input', { type: 'number', id: 'knob-' + name, value, min, step: 1 });
          const label = el('label', { htmlFor: input.id, textContent: name });
          $('knobs').append(el('div', { className: 'param', title }, label, input));
        }

        function pluginBox(plugin) {
          const box = el('fieldset', {}, el('legend', { textContent: plugin.name + ' ' + plugin.version }));
          const about = plugin.settable
            ? plugin.description
            : plugin.description + ' (loaded as a dependency: list it in the scenario to change it)';
          box.append(el('p', { className: 'plugin-about', textContent: about }));
          for (const param of plugin.params) box.append(control(plugin, param));
          return box;
        }

        function hint(p) {
          const bounded = p.min !== undefined || p.max !== undefined;
          const range = bounded ? 'Range: ' + (p.min ?? '…') + ' to ' + (p.max ?? '…') : '';
          const unit = p.unit && 'Unit: ' + p.unit, source = p.source && 'Source: ' + p.source;
          return [p.doc, unit, range, source].filter(Boolean).join('\n');
        }

        function control(plugin, p) {
          const key = plugin.name + '.' + p.name, initial = p.value ?? null;
          const label = el('label', { htmlFor: key, textContent: p.name });
          const row = el('div', { className: 'param', title: hint(p) }, label);
          let input, shown;
          if (p.control === 'slider' || p.control === 'number') {
            input = shown = el('input', { type: 'number', id: key, step: p.step ?? 'any', value: initial ?? '' });
            if (p.min !== undefined) input.min = p.min;
            if (p.max !== undefined) input.max = p.max;
            if (p.control === 'slider') {
              const slider = el('input', { type: 'range', min: p.min, max: p.max, step: p.step, value: initial });
              slider.setAttribute('aria-label', key);
              slider.oninput = () => { input.value = slider.value; changed(); };
              input.addEventListener('input', () => { slider.value = input.value; });
              shown = el('span', { className: 'pair' }, slider, input);
            }
          } else if (p.control === 'checkbox') {
            input = shown = el('input', { type: 'checkbox', id: key, checked: initial === true });
          } else if (p.control === 'select') {
            const options = p.choices.map(c => el('option', { value: c, textContent: c }));
            input = shown = el('select', { id: key }, ...options);
            input.value = initial;
          } else if (p.control === 'text' || p.control === 'date') {
            const placeholder = p.control === 'date' ? 'none (e.g. ' + current.start + ')' : '';
            input = shown = el('input', { type: 'text', id: key, value: initial ?? '', placeholder });
          } else {
            shown = el('code', { textContent: initial ?? '{}', title: 'Edit this parameter in the scenario file' });
          }
          if (input) {
            input.dataset.key = key;
            input.dataset.initial = JSON.stringify(initial);
            input.disabled = !plugin.settable;
          }
          row.append(shown, el('span', { className: 'unit', textContent: p.unit }));
          return row;
        }

        function valueOf(input) {
          const initial = JSON.parse(input.dataset.initial);
          if (input.type === 'checkbox') return input.checked !== initial ? input.checked : undefined;
          if (input.value === '') return undefined;
          if (input.type === 'number') return Number(input.value) !== initial ? Number(input.value) : undefined;
          return input.value !== initial ? input.value : undefined;
        }

        function changed() {
          for (const input of document.querySelectorAll('[data-key]')) {
            input.closest('.param').classList.toggle('changed', valueOf(input) !== undefined);
          }
        }

        function request(baseline) {
          const r = { scenario: current.file, set: {} };
          for (const name of ['ticks', 'seed', 'firms']) {
            const input = $('knob-' + name);
            if (input) r[name] = name === 'seed' ? input.value : Number(input.value);
          }
          if (!baseline) for (const input of document.querySelectorAll('[data-key]')) {
            const value = valueOf(input);
            if (value !== undefined) r.set[input.dataset.key] = value;
          }
          return r;
        }

        function labelOf(r, baseline) {
          const changes = Object.entries(r.set).map(([k, v]) => k + '=' + v), knobs = [], k = current.knobs;
          if (String(r.seed) !== String(k.seed)) knobs.push('seed ' + r.seed);
          if (r.ticks !== k.ticks) knobs.push(r.ticks + ' ticks');
          if (r.firms !== undefined && r.firms !== k.firms) knobs.push(r.firms + ' firms');
          const what = baseline ? 'baseline' : changes.length ? changes.join(', ') : 'as written';
          const file = current.file.replace('scenarios/', '');
          return what + ' · ' + file + (knobs.length ? ' (' + knobs.join(', ') + ')' : '');
        }

        function draw(container, charts) {
          container.replaceChildren(...charts.map(chart => {
            const picture = el('div');
            picture.innerHTML = chart.svg;
            const figure = el('figure', {}, el('figcaption', { textContent: chart.title }), picture);
            figure.dataset.chart = chart.id;
            return figure;
          }));
        }

        function run(baseline) {
          if (socket) socket.close();
          const r = request(baseline), label = labelOf(r, baseline);
          const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
          const ws = socket = new WebSocket(withToken(scheme + location.host + '/run'));
          last = null;
          document.body.dataset.state = 'running';
          $('stop').disabled = false;
          $('pin').disabled = true;
          $('charts').replaceChildren();
          $('downloads').replaceChildren();
          status('Starting ' + label + ' …');
          ws.onopen = () => ws.send(JSON.stringify(r));
          ws.onmessage = event => {
            const m = JSON.parse(event.data);
            if (m.type === 'queued') status('Waiting for a free slot: ' + m.ahead + ' run(s) ahead of this one.');
            if (m.type === 'started') status('Running ' + label + ' …');
            if (m.type === 'tick') {
              const adoption = format(m.adoption ?? null, 'share');
              status('Tick ' + (m.tick + 1) + ' of ' + r.ticks + ' (' + m.date + '): adoption ' + adoption);
              if (m.charts) draw($('charts'), m.charts);
            }
            if (m.type === 'done') {
              last = { label, charts: m.charts, summary: m.summary, baseline };
              draw($('charts'), m.charts);
              status('Done: ' + label);
              const links = m.downloads.map(d =>
                el('a', { href: withToken(d.href), textContent: 'Download ' + d.name, download: '' }));
              $('downloads').append(...links);
              if (m.note) $('downloads').append(el('span', { className: 'note', textContent: m.note }));
              $('pin').disabled = false;
              if (baseline) pin();
              document.body.dataset.state = 'done';
            }
            if (m.type === 'failed') {
              status('The run failed: ' + m.message, 'error');
              document.body.dataset.state = 'failed';
            }
          };
          ws.onclose = () => {
            if (ws !== socket) return;
            socket = null;
            $('stop').disabled = true;
            if (document.body.dataset.state !== 'running') return;
            status('Stopped.');
            document.body.dataset.state = 'stopped';
          };
        }

        function pin() {
          if (!last || pins.includes(last)) return;
          if (last.baseline) pins = pins.filter(p => !p.baseline);
          pins.push(last);
          pins.sort((a, b) => b.baseline - a.baseline);
          showPins();
        }

        function showPins() {
          $('pins-note').hidden = pins.length > 0;
          const base = pins.find(p => p.baseline);
          const titles = pins.map(p => el('th', { textContent: p.label }));
          const head = el('tr', {}, el('th', { textContent: 'at the end' }), ...titles);
          const rows = (pins[0]?.summary ?? []).map((s, i) => el('tr', {},
            el('td', { textContent: s.name + ' (' + s.unit + ')' }),
            ...pins.map(p => {
              const v = p.summary[i].value, b = base?.summary[i].value;
              const points = s.unit.startsWith('share') ? ' points' : '';
              const compared = p !== base && base && v !== null && b !== null;
              const delta = compared ? ' (' + (v >= b ? '+' : '') + format(v - b, s.unit) + points + ')' : '';
              return el('td', { textContent: format(v, s.unit) + delta });
            })));
          $('compare').replaceChildren(...(pins.length ? [head, ...rows] : []));
          $('pins').replaceChildren(...pins.map(p => {
            const remove = el('button', { type: 'button', textContent: '×', title: 'Unpin' });
            remove.onclick = () => { pins = pins.filter(q => q !== p); showPins(); };
            const title = el('h3', {}, el('span', { textContent: p.label }), remove);
            const card = el('div', { className: 'pin' }, title, el('div', { className: 'charts' }));
            draw(card.lastChild, p.charts);
            return card;
          }));
        }

        async function reset() {
          try {
            const fresh = await getJSON('api/scenario?path=' + encodeURIComponent(current.file));
            scenarios[scenarios.indexOf(current)] = fresh;
            choose(fresh.file);
          } catch (e) { status('Cannot read ' + current.file + ': ' + e.message, 'error'); }
        }

        $('form').addEventListener('input', changed);
        $('form').addEventListener('submit', e => e.preventDefault());
        $('run').onclick = () => run(false);
        $('baseline').onclick = () => run(true);
        $('stop').onclick = () => socket && socket.close();
        $('pin').onclick = pin;
        $('reset').onclick = reset;
        start();
        </script>
        </body>
        </html>
        """#
}
