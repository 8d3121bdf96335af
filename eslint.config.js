// ESLint flat config: @eslint/js + typescript-eslint recommended (syntax only, no type information, to stay fast),
// react-hooks for the app's components and hooks, eslint-config-prettier last so no rule fights the formatter.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// The Node globals plain .js/.mjs files may use. In TypeScript files the compiler checks names, so `no-undef` stays off.
const nodeGlobals = Object.fromEntries(
  [
    "process",
    "console",
    "Buffer",
    "URL",
    "URLSearchParams",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "clearImmediate",
    "queueMicrotask",
    "structuredClone",
    "fetch",
    "AbortController",
    "TextEncoder",
    "TextDecoder",
  ].map((name) => [name, "readonly"]),
);

export default defineConfig(
  {
    ignores: [
      "build/",
      "data/",
      "node_modules/",
      "db/migrations/",
      "test-results/",
      "playwright-report/",
      "public/",
      ".cache/",
      "scratch/",
      "bench/results/",
    ],
  },
  {
    files: ["**/*.{ts,tsx,js,mjs}", "bin/pairwise"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          caughtErrors: "none",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Plain JavaScript: tsc does not check it (no checkJs), so `no-undef` (off for TypeScript files through
    // typescript-eslint's eslint-recommended) stays on, with the Node globals; `no-var` as in the TypeScript files.
    files: ["**/*.{js,mjs}", "bin/pairwise"],
    languageOptions: { globals: nodeGlobals },
    rules: { "no-undef": "error", "no-var": "error" },
  },
  {
    // Hooks live in .tsx components and in .ts helpers such as app/utils/use-poll.ts.
    files: ["app/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat.recommended,
  },
  prettier,
);
