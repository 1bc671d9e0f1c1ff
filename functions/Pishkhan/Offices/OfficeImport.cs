using System.Text;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;

namespace Pishkhan.Offices;

/// <summary>
/// POST /api/offices:import (text/csv, UTF-8, header row). Each row is validated like PUT /api/offices/{code};
/// valid rows are applied, invalid ones reported with their line number and field errors. A row whose
/// county lies outside the caller's province is an error of that row, not of the whole file.
/// </summary>
public sealed class OfficeImport(PishkhanSettings settings, CountyStore countyStore, OfficeStore officeStore, TimeProvider clock)
{
    public static readonly string[] Columns =
        ["officeCode", "name", "countyCode", "address", "managerName", "licenseNo", "phone", "email", "regularHours", "thursdayHours", "afterHours", "status"];

    public const int MaxRows = 5000;

    public sealed record RowError(int Line, string? OfficeCode, IDictionary<string, string[]> Errors);

    public sealed record ImportResult(int Applied, int Failed, IReadOnlyList<string> AppliedOfficeCodes, IReadOnlyList<RowError> Errors);

    public async Task<IResult> Post(ApiRequest request)
    {
        var text = await request.ReadTextAsync("text/csv", settings.MaxCsvBodyBytes);
        List<string[]> rows;
        try { rows = Csv.Parse(text); }
        catch (FormatException e) { throw Problem.Field("$", e.Message); }
        if (rows.Count == 0) throw Problem.Field("$", "The file is empty; the first line names the columns.");
        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var unknown = header.Where(h => !Columns.Contains(h)).ToList();
        var missing = new[] { "officeCode", "name", "countyCode", "regularHours" }.Where(c => !header.Contains(c)).ToList();
        if (unknown.Count > 0 || missing.Count > 0 || header.Distinct().Count() != header.Length)
            throw Problem.Field("header", $"Columns: {string.Join(',', Columns)} (required: officeCode,name,countyCode,regularHours). Unknown: {string.Join(',', unknown)}; missing: {string.Join(',', missing)}.");
        if (rows.Count - 1 > MaxRows) throw Problem.Field("$", $"At most {MaxRows} rows per file.");

        var ct = request.CancellationToken;
        var counties = countyStore;
        var offices = officeStore;
        var errors = new List<RowError>();
        var applied = new List<string>();
        var seen = new HashSet<string>();
        var countyCache = new Dictionary<string, CountyEntity?>();

        for (var i = 1; i < rows.Count; i++)
        {
            var line = i + 1;
            var cells = rows[i];
            if (cells.Length == 1 && cells[0].Length == 0) continue; // blank line
            string? Cell(string column) { var idx = Array.IndexOf(header, column); return idx >= 0 && idx < cells.Length && cells[idx].Length > 0 ? cells[idx] : null; }

            var fieldErrors = new FieldErrors();
            if (cells.Length != header.Length) fieldErrors.Add("$", $"Expected {header.Length} cells, found {cells.Length}.");
            var code = fieldErrors.Code("officeCode", Cell("officeCode"));
            if (code is not null && !seen.Add(code)) fieldErrors.Add("officeCode", "The code appears twice in the file.");
            var body = new PutOffice(Cell("name")!, Cell("countyCode")!, new OpeningHours(Cell("regularHours")!, Cell("thursdayHours"), Cell("afterHours")),
                Cell("address"), Cell("managerName"), Cell("licenseNo"), Cell("phone"), Cell("email"), Cell("status"));

            CountyEntity? county = null;
            if (Text.Codes.TryNormalize(body.CountyCode, out var countyCode))
            {
                if (!countyCache.TryGetValue(countyCode, out county)) countyCache[countyCode] = county = await counties.FindAsync(countyCode, ct);
                if (county is not null && !ScopePolicy.Covers(request.Caller, new ResourceScope(county.Province)))
                    fieldErrors.Add("countyCode", "The county is outside your province.");
            }
            OfficeEntity? entity = null;
            if (!fieldErrors.Any)
                entity = await OfficeRules.ValidateAsync(fieldErrors, code!, county?.Province ?? "", body, counties, ct);
            if (fieldErrors.Any || entity is null)
            {
                errors.Add(new RowError(line, code, fieldErrors.ToDictionary()));
                continue;
            }
            try
            {
                await offices.SaveAsync(entity, clock, ct);
                applied.Add(entity.OfficeCode);
            }
            catch (ApiProblem)
            {
                errors.Add(new RowError(line, code, new Dictionary<string, string[]> { ["officeCode"] = ["The code is used by an office of another province."] }));
            }
        }
        return TypedResults.Ok(new ImportResult(applied.Count, errors.Count, applied, errors));
    }
}

/// <summary>RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF line ends.</summary>
public static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"') { quoted = false; i++; continue; }
                field.Append(c); i++; continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n': row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); break;
                default: field.Append(c); break;
            }
            i++;
        }
        if (quoted) throw new FormatException("A quoted field is not closed.");
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }
}
