// Validates Backstage entity YAML files with Backstage's own validators, as a catalog would on
// ingestion: the default entity policies, then the kind validator for the entity's kind.
// Usage: node validate.mjs FILE...   Prints one line per invalid entity; exits 1 if any.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  EntityPolicies,
  DefaultNamespaceEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  FieldFormatEntityPolicy,
  SchemaValidEntityPolicy,
  resourceEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  apiEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const kindValidators = [
  resourceEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  apiEntityV1alpha1Validator,
  templateEntityV1beta3Validator,
];

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const [i, doc] of docs.entries()) {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length > 0) {
      console.log(`${where}: YAML error: ${doc.errors[0].message.split('\n')[0]}`);
      failures++;
      continue;
    }
    const entity = doc.toJS();
    if (entity === null || entity === undefined) continue;
    try {
      const out = await policy.enforce(entity);
      let accepted = false;
      for (const validator of kindValidators) {
        if (await validator.check(out)) { accepted = true; break; }
      }
      if (!accepted) throw new Error(`no Backstage kind validator accepts ${entity.apiVersion} ${entity.kind}`);
      checked++;
    } catch (e) {
      console.log(`${where} (${entity?.kind}/${entity?.metadata?.name}): ${String(e.message).split('\n')[0]}`);
      failures++;
    }
  }
}
console.log(`backstage: ${checked} entities valid, ${failures} invalid`);
process.exit(failures > 0 ? 1 : 0);
