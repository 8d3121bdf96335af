// Starts the app on a fresh PostgreSQL database (E2E_DATABASE), so a spec can also look into the database.
import postgres from "postgres";

const admin = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const name = process.env.E2E_DATABASE ?? "pairwise_e2e";
const sql = postgres(admin, { max: 1, onnotice: () => {} });
await sql.unsafe(`drop database if exists "${name}" with (force)`);
await sql.unsafe(`create database "${name}"`);
await sql.end();
const url = new URL(admin);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
await import("../server.js");
