// Validates each YAML document under a folder against the schema of its apiVersion and kind.
// Run from the folder holding node_modules, so that the schema packages resolve.
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';

const root = process.argv[2];
const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.ya?ml$/.test(entry.name)) files.push(full);
  }
})(root);

function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group.endsWith('knative.dev')) return `@kubernetes-models/knative/${group}/${version}/${kind}`;
  if (group === 'postgresql.cnpg.io') return `@kubernetes-models/cloudnative-pg/${group}/${version}/${kind}`;
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

let failures = 0;
const listed = new Set();
for (const file of files.filter(f => path.basename(f) === 'kustomization.yaml')) {
  for (const r of YAML.parse(fs.readFileSync(file, 'utf8')).resources || []) listed.add(path.join(path.dirname(file), r));
}
for (const file of files) {
  if (path.basename(file) === 'kustomization.yaml') continue;
  if (!listed.has(file)) {
    console.log(`FAIL ${path.relative(process.cwd(), file)}: not listed in a kustomization.yaml`);
    failures++;
  }
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length) {
      console.log(`FAIL ${file}: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const name = `${path.relative(process.cwd(), file)} ${obj.apiVersion}/${obj.kind} ${obj.metadata && obj.metadata.name}`;
    let Model;
    try {
      const mod = await import(modelFor(obj.apiVersion, obj.kind));
      Model = mod[obj.kind] || mod.default;
    } catch (e) {
      console.log(`FAIL ${name}: no schema for this kind (${e.message.split('\n')[0]})`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`ok   ${name}`);
    } catch (e) {
      console.log(`FAIL ${name}: ${e.message}`);
      failures++;
    }
  }
}
console.log(`${failures === 0 ? 'all' : failures + ' failed of'} manifests validated`);
process.exit(failures === 0 ? 0 : 1);
