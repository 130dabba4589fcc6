using System.ComponentModel.DataAnnotations;

namespace Stream.Monitor.Configuration;

/// <summary>Section <c>Stream:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Stream:Api";

    /// <summary>Callers send it as the <c>X-Api-Key</c> header. Never logged.</summary>
    [Required(ErrorMessage = "Stream:Api:Key is required: the API serves customer data. Set Stream__Api__Key to a long random string.")]
    [MinLength(16, ErrorMessage = "Stream:Api:Key must be at least 16 characters.")]
    public string Key { get; set; } = "";
}
