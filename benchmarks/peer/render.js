// The peer in `make bench`: Carbone renders one policy template + data to PDF, `count` times.
// Usage: node render.js TEMPLATE.docx DATA.json COUNT OUTDIR
// LibreOffice starts before the clock (factories: 2, startFactory: true) and one document is
// converted untimed; then all `count` renders are queued at once, as a batch would, and the
// wall time to the last PDF written is reported as JSON on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const carbone = require('carbone');

const [template, dataFile, countArg, outdir] = process.argv.slice(2);
const count = parseInt(countArg, 10);
const data = JSON.parse(fs.readFileSync(dataFile, 'utf8'));
fs.mkdirSync(outdir, { recursive: true });

function render(i) {
  return new Promise((resolve, reject) => {
    carbone.render(template, data, { convertTo: 'pdf' }, (err, result) => {
      if (err) { reject(err); return; }
      fs.writeFileSync(path.join(outdir, `policy-${i}.pdf`), result);
      resolve(result.length);
    });
  });
}

async function main() {
  const started = process.hrtime.bigint();
  carbone.set({ factories: 2, startFactory: true, tempPath: outdir });
  await render('warmup');  // factories up, template cached by the OS: not timed
  const ready = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const sizes = await Promise.all(Array.from({ length: count }, (_, i) => render(i)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({
    version: require('carbone/package.json').version,
    count,
    startup_s: Number(ready - started) / 1e9,
    seconds,
    ms_per_doc: seconds / count * 1000,
    node_cpu_ms_per_doc: (cpu.user + cpu.system) / 1000 / count,
    pdf_bytes: sizes[0],
  }) + '\n');
  process.exit(0);
}

main().catch((err) => { console.error(String(err && err.stack || err)); process.exit(2); });
