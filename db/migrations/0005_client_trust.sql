CREATE TABLE "rate_limit_counters" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"points" integer NOT NULL,
	CONSTRAINT "rate_limit_counters_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
ALTER TABLE "user_devices" ADD COLUMN "source" text DEFAULT 'hint' NOT NULL;--> statement-breakpoint
ALTER TABLE "user_devices" DROP CONSTRAINT "user_devices_user_id_fingerprint_pk";--> statement-breakpoint
ALTER TABLE "user_devices" ADD CONSTRAINT "user_devices_user_id_source_fingerprint_pk" PRIMARY KEY("user_id","source","fingerprint");--> statement-breakpoint
CREATE INDEX "rate_limit_counters_window_idx" ON "rate_limit_counters" USING btree ("window_start");--> statement-breakpoint
-- Devices recorded so far were client-chosen (a header, or a cookie the browser script computed): hints from now on,
-- and the shared-device signals raised from them say so.
UPDATE "abuse_signals" SET "detail" = "detail" || '{"evidence": "client-chosen fingerprint (unverified, weak)"}'::jsonb WHERE "kind" = 'shared_device';
