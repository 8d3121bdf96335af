CREATE TYPE "public"."abuse_kind" AS ENUM('too_fast', 'one_sided_streak', 'shared_device', 'shared_wallet');--> statement-breakpoint
CREATE TYPE "public"."job_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "abuse_signals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "abuse_kind" NOT NULL,
	"scope" text NOT NULL,
	"project_id" uuid,
	"detail" jsonb NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consensus_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"method" text NOT NULL,
	"last_label_id" bigint NOT NULL,
	"answers" integer NOT NULL,
	"items" integer NOT NULL,
	"labelers" integer NOT NULL,
	"krippendorff_alpha" real,
	"fleiss_kappa" real,
	"mean_confidence" real,
	"confidence_bins" jsonb NOT NULL,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_consensus" (
	"item_id" bigint PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"label" text NOT NULL,
	"confidence" real NOT NULL,
	"detail" jsonb NOT NULL,
	"answers" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "labeler_quality" (
	"project_id" uuid NOT NULL,
	"labeler_id" uuid NOT NULL,
	"quality" real NOT NULL,
	"previous_quality" real,
	"answers" integer NOT NULL,
	"agreement" real NOT NULL,
	"chance" real NOT NULL,
	"gold_answered" integer DEFAULT 0 NOT NULL,
	"gold_correct" integer DEFAULT 0 NOT NULL,
	"median_ms" integer,
	"left_share" real,
	"position_bias" real,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"paused_at" timestamp with time zone,
	"paused_reason" text,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "labeler_quality_project_id_labeler_id_pk" PRIMARY KEY("project_id","labeler_id")
);
--> statement-breakpoint
CREATE TABLE "user_devices" (
	"user_id" uuid NOT NULL,
	"fingerprint" text NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_devices_user_id_fingerprint_pk" PRIMARY KEY("user_id","fingerprint")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "job_status" DEFAULT 'queued' NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"progress" jsonb,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "quality_threshold" real DEFAULT 0.3;--> statement-breakpoint
ALTER TABLE "abuse_signals" ADD CONSTRAINT "abuse_signals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "abuse_signals" ADD CONSTRAINT "abuse_signals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consensus_runs" ADD CONSTRAINT "consensus_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_consensus" ADD CONSTRAINT "item_consensus_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_consensus" ADD CONSTRAINT "item_consensus_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labeler_quality" ADD CONSTRAINT "labeler_quality_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labeler_quality" ADD CONSTRAINT "labeler_quality_labeler_id_users_id_fk" FOREIGN KEY ("labeler_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_devices" ADD CONSTRAINT "user_devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "abuse_signals_key" ON "abuse_signals" USING btree ("user_id","kind","scope");--> statement-breakpoint
CREATE INDEX "abuse_signals_recent_idx" ON "abuse_signals" USING btree ("detected_at");--> statement-breakpoint
CREATE INDEX "consensus_runs_project_idx" ON "consensus_runs" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "item_consensus_project_confidence_idx" ON "item_consensus" USING btree ("project_id","confidence");--> statement-breakpoint
CREATE INDEX "labeler_quality_labeler_idx" ON "labeler_quality" USING btree ("labeler_id");--> statement-breakpoint
CREATE INDEX "user_devices_fingerprint_idx" ON "user_devices" USING btree ("fingerprint");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_queued_key" ON "jobs" USING btree ("kind","key") WHERE "jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at") WHERE "jobs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "jobs_key_idx" ON "jobs" USING btree ("kind","key","created_at");