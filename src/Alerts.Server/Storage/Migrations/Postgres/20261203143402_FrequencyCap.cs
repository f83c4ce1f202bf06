using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FrequencyCap : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaxPerDay",
                table: "subscriptions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HeldBy",
                table: "deliveries",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_SubscriptionId_At",
                table: "deliveries",
                columns: new[] { "SubscriptionId", "At" },
                filter: "\"ArticleId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_deliveries_SubscriptionId_At",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "MaxPerDay",
                table: "subscriptions");

            migrationBuilder.DropColumn(
                name: "HeldBy",
                table: "deliveries");
        }
    }
}
