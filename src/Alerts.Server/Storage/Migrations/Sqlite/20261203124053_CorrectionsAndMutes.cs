using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CorrectionsAndMutes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CorrectsId",
                table: "notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LinkedNotificationId",
                table: "audit_log",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "section_mutes",
                columns: table => new
                {
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SectionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Until = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_section_mutes", x => new { x.SubscriptionId, x.SectionId });
                    table.ForeignKey(
                        name: "FK_section_mutes_subscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "subscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notifications_CorrectsId",
                table: "notifications",
                column: "CorrectsId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "section_mutes");

            migrationBuilder.DropIndex(
                name: "IX_notifications_CorrectsId",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "CorrectsId",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "LinkedNotificationId",
                table: "audit_log");
        }
    }
}
