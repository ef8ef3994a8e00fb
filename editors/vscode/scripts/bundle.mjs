// Bundles the extension and vscode-languageclient into dist/extension.js (the `vscode`
// module is provided by the editor at run time).
import { build } from "esbuild";

const production = !process.argv.includes("--dev");

await build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node18",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
});
