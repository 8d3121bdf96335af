ALTER TABLE "gold_commitments" ALTER COLUMN "upload_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "gold_commitments" ADD COLUMN "committed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "gold_commitments" ADD CONSTRAINT "gold_commitments_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gold_commitments_upload_key" ON "gold_commitments" USING btree ("upload_id");--> statement-breakpoint
ALTER TABLE "gold_commitments" ADD CONSTRAINT "gold_commitments_hex" CHECK ("gold_commitments"."commitment" ~ '^[0-9a-f]{64}$' and "gold_commitments"."salt" ~ '^[0-9a-f]{64}$');--> statement-breakpoint
ALTER TABLE "gold_commitments" ADD CONSTRAINT "gold_commitments_posted" CHECK (("gold_commitments"."signature" is null) = ("gold_commitments"."committed_at" is null));--> statement-breakpoint
ALTER TABLE "gold_commitments" ADD CONSTRAINT "gold_commitments_revealed_posted" CHECK ("gold_commitments"."revealed_at" is null or "gold_commitments"."signature" is not null);