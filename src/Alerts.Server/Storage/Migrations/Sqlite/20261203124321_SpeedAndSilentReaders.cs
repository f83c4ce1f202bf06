using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SpeedAndSilentReaders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Displayed",
                table: "notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "AnsweredAt",
                table: "deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisplayedAt",
                table: "deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Host",
                table: "deliveries",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Silent",
                table: "click_hours",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Displayed",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "AnsweredAt",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "DisplayedAt",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "Host",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "Silent",
                table: "click_hours");
        }
    }
}
