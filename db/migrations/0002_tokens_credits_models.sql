CREATE TYPE "public"."api_key_scope" AS ENUM('api', 'premium');--> statement-breakpoint
CREATE TYPE "public"."batch_status" AS ENUM('new', 'signed', 'confirmed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."credit_reason" AS ENUM('redemption', 'grant', 'api_call', 'refund');--> statement-breakpoint
CREATE TYPE "public"."epoch_status" AS ENUM('planned', 'paid');--> statement-breakpoint
CREATE TYPE "public"."model_status" AS ENUM('queued', 'training', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "public"."payout_status" AS ENUM('awaiting_wallet', 'queued', 'batched', 'paid');--> statement-breakpoint
CREATE TYPE "public"."redemption_status" AS ENUM('pending', 'credited', 'expired');--> statement-breakpoint
CREATE TABLE "credit_balances" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "credit_balances_non_negative" CHECK ("credit_balances"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"delta" bigint NOT NULL,
	"reason" "credit_reason" NOT NULL,
	"ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "earnings" (
	"epoch_id" text NOT NULL,
	"labeler_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"labels" integer NOT NULL,
	"reward_per_label" bigint NOT NULL,
	"weight_ppm" integer NOT NULL,
	"earned" bigint NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "earnings_epoch_id_labeler_id_project_id_pk" PRIMARY KEY("epoch_id","labeler_id","project_id"),
	CONSTRAINT "earnings_amount_le_earned" CHECK ("earnings"."amount" >= 0 and "earnings"."amount" <= "earnings"."earned")
);
--> statement-breakpoint
CREATE TABLE "lookup_tables" (
	"address" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_agreement" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" uuid NOT NULL,
	"agreement" real NOT NULL,
	"items" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" "batch_status" DEFAULT 'new' NOT NULL,
	"signature" text,
	"raw_tx" "bytea",
	"last_valid_block_height" bigint,
	"recipients" integer NOT NULL,
	"total" bigint NOT NULL,
	"expired_signatures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fee_lamports" bigint,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payout_epochs" (
	"id" text PRIMARY KEY NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" "epoch_status" DEFAULT 'planned' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"epoch_id" text NOT NULL,
	"labeler_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"status" "payout_status" NOT NULL,
	"batch_id" uuid,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "payouts_amount_positive" CHECK ("payouts"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "redemption_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"address" text NOT NULL,
	"amount" bigint NOT NULL,
	"credits" bigint NOT NULL,
	"mode" text NOT NULL,
	"status" "redemption_status" DEFAULT 'pending' NOT NULL,
	"signature" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"credited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reward_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" "model_status" DEFAULT 'queued' NOT NULL,
	"dir" text,
	"pairs" integer,
	"metrics" jsonb,
	"progress" jsonb,
	"error" text,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"trained_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wallet_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"address" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replaced_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wallet_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"address" text NOT NULL,
	"message" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "scope" "api_key_scope" DEFAULT 'api' NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "earnings" ADD CONSTRAINT "earnings_epoch_id_payout_epochs_id_fk" FOREIGN KEY ("epoch_id") REFERENCES "public"."payout_epochs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "earnings" ADD CONSTRAINT "earnings_labeler_id_users_id_fk" FOREIGN KEY ("labeler_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "earnings" ADD CONSTRAINT "earnings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_agreement" ADD CONSTRAINT "model_agreement_model_id_reward_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."reward_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_epoch_id_payout_epochs_id_fk" FOREIGN KEY ("epoch_id") REFERENCES "public"."payout_epochs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_labeler_id_users_id_fk" FOREIGN KEY ("labeler_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_batch_id_payout_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payout_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "redemption_orders" ADD CONSTRAINT "redemption_orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_models" ADD CONSTRAINT "reward_models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_links" ADD CONSTRAINT "wallet_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_nonces" ADD CONSTRAINT "wallet_nonces_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_ledger_user_idx" ON "credit_ledger" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_ledger_redemption_key" ON "credit_ledger" USING btree ("ref") WHERE "credit_ledger"."reason" = 'redemption';--> statement-breakpoint
CREATE INDEX "earnings_project_idx" ON "earnings" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "model_agreement_model_idx" ON "model_agreement" USING btree ("model_id","created_at");--> statement-breakpoint
CREATE INDEX "payout_batches_status_idx" ON "payout_batches" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_batches_signature_key" ON "payout_batches" USING btree ("signature");--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_epoch_labeler_key" ON "payouts" USING btree ("epoch_id","labeler_id");--> statement-breakpoint
CREATE INDEX "payouts_labeler_idx" ON "payouts" USING btree ("labeler_id");--> statement-breakpoint
CREATE INDEX "payouts_batch_idx" ON "payouts" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "payouts_status_idx" ON "payouts" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "redemption_orders_signature_key" ON "redemption_orders" USING btree ("signature");--> statement-breakpoint
CREATE INDEX "redemption_orders_user_idx" ON "redemption_orders" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reward_models_project_version_key" ON "reward_models" USING btree ("project_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "reward_models_published_key" ON "reward_models" USING btree ("project_id") WHERE "reward_models"."published_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_links_current_address_key" ON "wallet_links" USING btree ("address") WHERE "wallet_links"."replaced_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_links_current_user_key" ON "wallet_links" USING btree ("user_id") WHERE "wallet_links"."replaced_at" is null;--> statement-breakpoint
CREATE INDEX "wallet_links_address_idx" ON "wallet_links" USING btree ("address");