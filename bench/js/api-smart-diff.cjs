// Runs api-smart-diff on two spec files and prints one JSON line: time (ms, the diff alone and
// with YAML parsing), number of changes per type, and the breaking changes' paths.
// Usage: node api-smart-diff.cjs OLD.yml NEW.yml   (api-smart-diff and js-yaml must resolve)
const fs = require('fs');
const yaml = require('js-yaml');
const { apiCompare } = require('api-smart-diff');

const [oldPath, newPath] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const before = yaml.load(fs.readFileSync(oldPath, 'utf8'));
const after = yaml.load(fs.readFileSync(newPath, 'utf8'));
const t1 = process.hrtime.bigint();
const { diffs } = apiCompare(before, after);
const t2 = process.hrtime.bigint();
const counts = {};
for (const d of diffs) counts[d.type] = (counts[d.type] || 0) + 1;
const breaking = diffs.filter((d) => d.type === 'breaking').map((d) => ({ path: d.path.join('/'), action: d.action, description: d.description }));
console.log(JSON.stringify({
  diff_ms: Number(t2 - t1) / 1e6,
  total_ms: Number(t2 - t0) / 1e6,
  changes: diffs.length,
  counts,
  breaking,
}));
