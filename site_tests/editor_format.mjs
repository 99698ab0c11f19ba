// Runs Decap CMS's own YAML format (decap-cms-core's formats/yaml.js with its pinned `yaml` library) in Node,
// as the editor does in the browser when it reads and saves a content file.
// stdin: JSON {root, jobs: [{text?, data?, keys, comments}]}; stdout: JSON [text, ...].
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

// decap-cms-core's ES modules import their neighbours without the .js ending, as bundlers allow and Node does not.
register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); }
  catch (error) {
    if (specifier.startsWith('.') && !specifier.endsWith('.js')) return next(specifier + '.js', context);
    throw error;
  }
}`), import.meta.url);

const request = JSON.parse(readFileSync(0, 'utf8'));
const formats = pathToFileURL(`${request.root}/node_modules/decap-cms-core/dist/esm/formats/yaml.js`);
const { default: yamlFormat } = await import(formats.href);
const out = request.jobs.map((job) => {
  const data = job.text !== undefined ? yamlFormat.fromFile(job.text) : job.data;
  return yamlFormat.toFile(data, job.keys, job.comments);
});
process.stdout.write(JSON.stringify(out));
