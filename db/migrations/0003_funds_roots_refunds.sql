CREATE TYPE "public"."deposit_status" AS ENUM('pending', 'funded');--> statement-breakpoint
CREATE TYPE "public"."fund_kind" AS ENUM('deposit', 'admin_credit', 'refund');--> statement-breakpoint
CREATE TYPE "public"."epoch_kind" AS ENUM('daily', 'refund');--> statement-breakpoint
CREATE TABLE "deposit_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"address" text NOT NULL,
	"amount" bigint NOT NULL,
	"status" "deposit_status" DEFAULT 'pending' NOT NULL,
	"signature" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"funded_at" timestamp with time zone,
	CONSTRAINT "deposit_orders_amount_positive" CHECK ("deposit_orders"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "gold_commitments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"upload_id" uuid,
	"commitment" text NOT NULL,
	"salt" text NOT NULL,
	"canonical" text NOT NULL,
	"items" bigint NOT NULL,
	"signature" text,
	"revealed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_funds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"kind" "fund_kind" NOT NULL,
	"amount" bigint NOT NULL,
	"signature" text,
	"deposit_order_id" uuid,
	"reason" text,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_funds_sign" CHECK (("project_funds"."kind" = 'refund' and "project_funds"."amount" < 0) or ("project_funds"."kind" <> 'refund' and "project_funds"."amount" > 0)),
	CONSTRAINT "project_funds_deposit_signed" CHECK ("project_funds"."kind" <> 'deposit' or "project_funds"."signature" is not null),
	CONSTRAINT "project_funds_admin_reason" CHECK ("project_funds"."kind" <> 'admin_credit' or length("project_funds"."reason") > 0)
);
--> statement-breakpoint
CREATE TABLE "payout_roots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"epoch_id" text NOT NULL,
	"root" text NOT NULL,
	"leaf_count" integer NOT NULL,
	"total" bigint NOT NULL,
	"status" "batch_status" DEFAULT 'new' NOT NULL,
	"signature" text,
	"raw_tx" "bytea",
	"last_valid_block_height" bigint,
	"expired_signatures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fee_lamports" bigint,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payout_epochs" ADD COLUMN "kind" "epoch_kind" DEFAULT 'daily' NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "root_id" uuid;--> statement-breakpoint
ALTER TABLE "deposit_orders" ADD CONSTRAINT "deposit_orders_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deposit_orders" ADD CONSTRAINT "deposit_orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gold_commitments" ADD CONSTRAINT "gold_commitments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_funds" ADD CONSTRAINT "project_funds_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_funds" ADD CONSTRAINT "project_funds_deposit_order_id_deposit_orders_id_fk" FOREIGN KEY ("deposit_order_id") REFERENCES "public"."deposit_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_funds" ADD CONSTRAINT "project_funds_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_roots" ADD CONSTRAINT "payout_roots_epoch_id_payout_epochs_id_fk" FOREIGN KEY ("epoch_id") REFERENCES "public"."payout_epochs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deposit_orders_signature_key" ON "deposit_orders" USING btree ("signature");--> statement-breakpoint
CREATE INDEX "deposit_orders_project_idx" ON "deposit_orders" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "gold_commitments_project_idx" ON "gold_commitments" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "project_funds_project_idx" ON "project_funds" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "project_funds_signature_key" ON "project_funds" USING btree ("signature");--> statement-breakpoint
CREATE UNIQUE INDEX "project_funds_order_key" ON "project_funds" USING btree ("deposit_order_id");--> statement-breakpoint
CREATE INDEX "payout_roots_epoch_idx" ON "payout_roots" USING btree ("epoch_id");--> statement-breakpoint
CREATE INDEX "payout_roots_status_idx" ON "payout_roots" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_roots_signature_key" ON "payout_roots" USING btree ("signature");--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_root_id_payout_roots_id_fk" FOREIGN KEY ("root_id") REFERENCES "public"."payout_roots"("id") ON DELETE no action ON UPDATE no action;