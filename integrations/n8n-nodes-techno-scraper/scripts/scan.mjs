// The static analysis of n8n's community-package scanner (@n8n/scan-community-package), run here
// before publishing: its source leg over this directory (nodes, credentials, package.json) and
// its tarball leg over the package `npm pack` made (compiled .js and the published package.json).
// The scanner's provenance check needs a published version and is not run.
// Usage: node scripts/scan.mjs <unpacked npm pack directory>
import path from 'node:path';
import process from 'node:process';

import {
	SOURCE_FILE_PATTERNS,
	analyzePackage,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const packed = process.argv[2];
if (!packed) {
	process.stderr.write('usage: node scripts/scan.mjs <unpacked npm pack directory>\n');
	process.exit(2);
}
const legs = [
	['source', await analyzePackage(process.cwd(), SOURCE_FILE_PATTERNS)],
	['package', await analyzePackage(path.resolve(packed), ['**/*.js', 'package.json'])],
];
let passed = true;
for (const [leg, result] of legs) {
	process.stdout.write(`scan ${leg}: ${result.passed ? 'passed' : `FAILED: ${result.message}`}\n`);
	if (result.details) process.stdout.write(`${result.details}\n`);
	passed &&= result.passed;
}
process.exit(passed ? 0 : 1);
