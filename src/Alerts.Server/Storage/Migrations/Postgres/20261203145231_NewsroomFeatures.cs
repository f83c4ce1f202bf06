using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NewsroomFeatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaxPerDay",
                table: "subscriptions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DecideAt",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DecidedAt",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StartedAt",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "TestSample",
                table: "notifications",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ThrottlePerMinute",
                table: "notifications",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Winner",
                table: "notifications",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HeldBy",
                table: "deliveries",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Variant",
                table: "deliveries",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_variants",
                columns: table => new
                {
                    NotificationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Targeted = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_variants", x => new { x.NotificationId, x.Number });
                    table.ForeignKey(
                        name: "FK_notification_variants_notifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "notifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_SubscriptionId_At",
                table: "deliveries",
                columns: new[] { "SubscriptionId", "At" },
                filter: "\"ArticleId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_variants");

            migrationBuilder.DropIndex(
                name: "IX_deliveries_SubscriptionId_At",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "MaxPerDay",
                table: "subscriptions");

            migrationBuilder.DropColumn(
                name: "DecideAt",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "DecidedAt",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "TestSample",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "ThrottlePerMinute",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "Winner",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "HeldBy",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "Variant",
                table: "deliveries");
        }
    }
}
