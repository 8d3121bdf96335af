CREATE TYPE "public"."generation_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "generation_errors" (
	"generation_id" uuid NOT NULL,
	"item_id" bigint NOT NULL,
	"message" text NOT NULL,
	"attempts" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "generation_errors_generation_id_item_id_pk" PRIMARY KEY("generation_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "response_generations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"models" jsonb NOT NULL,
	"n" integer NOT NULL,
	"temperature" double precision NOT NULL,
	"status" "generation_status" DEFAULT 'queued' NOT NULL,
	"items_total" integer DEFAULT 0 NOT NULL,
	"items_done" integer DEFAULT 0 NOT NULL,
	"items_failed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "response_generations_n" CHECK ("response_generations"."n" between 1 and 9),
	CONSTRAINT "response_generations_temperature" CHECK ("response_generations"."temperature" between 0 and 2)
);
--> statement-breakpoint
ALTER TABLE "generation_errors" ADD CONSTRAINT "generation_errors_generation_id_response_generations_id_fk" FOREIGN KEY ("generation_id") REFERENCES "public"."response_generations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generation_errors" ADD CONSTRAINT "generation_errors_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_generations" ADD CONSTRAINT "response_generations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "response_generations_active_key" ON "response_generations" USING btree ("project_id") WHERE "response_generations"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "response_generations_project_idx" ON "response_generations" USING btree ("project_id","created_at");