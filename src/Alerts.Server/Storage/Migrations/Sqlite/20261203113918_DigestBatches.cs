using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DigestBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Body",
                table: "digests",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImageUrl",
                table: "digests",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "NotificationId",
                table: "digests",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<string>(
                name: "Title",
                table: "digests",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Topic",
                table: "digests",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Url",
                table: "digests",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            // Digests recorded before this migration are each their own notification.
            migrationBuilder.Sql("UPDATE digests SET \"NotificationId\" = \"Id\";");

            migrationBuilder.CreateIndex(
                name: "IX_digests_NotificationId_SubscriptionId",
                table: "digests",
                columns: new[] { "NotificationId", "SubscriptionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_digests_NotificationId_SubscriptionId",
                table: "digests");

            migrationBuilder.DropColumn(
                name: "Body",
                table: "digests");

            migrationBuilder.DropColumn(
                name: "ImageUrl",
                table: "digests");

            migrationBuilder.DropColumn(
                name: "NotificationId",
                table: "digests");

            migrationBuilder.DropColumn(
                name: "Title",
                table: "digests");

            migrationBuilder.DropColumn(
                name: "Topic",
                table: "digests");

            migrationBuilder.DropColumn(
                name: "Url",
                table: "digests");
        }
    }
}
