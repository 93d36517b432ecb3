//! The records the Bandcamp actions answer, with exactly the field names of docs/API.md (plus a
//! few extra fields API.md allows). Ids are Bandcamp's own numbers; absent values are `null`.

use schemars::JsonSchema;
use serde::Serialize;

/// What a search hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A band or solo artist.
    Artist,
    /// A label account.
    Label,
    /// An album (or EP, single release page).
    Album,
    /// A track.
    Track,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SearchItem {
    /// artist, label, album or track.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Bandcamp's id of the band, album or track.
    pub id: u64,
    /// The artist's or label's name, or the album's or track's title.
    pub name: String,
    /// The page, without tracking parameters.
    pub url: Option<String>,
    /// Who made the album or track (`null` for artists and labels).
    pub artist: Option<String>,
    /// The album a track is on (`null` otherwise, and for singles).
    pub album: Option<String>,
    /// Where an artist or label is based.
    pub location: Option<String>,
    /// An artist's genre.
    pub genre: Option<String>,
    /// Tags, as Bandcamp spells them.
    pub tags: Vec<String>,
    /// Artwork (albums, tracks) or picture (artists, labels).
    pub image_url: Option<String>,
    /// When an album or track was released.
    pub release_date: Option<String>,
}

/// An artist or label with its releases.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Artist {
    /// The band id.
    pub id: u64,
    /// The name shown to people.
    pub name: String,
    /// The Bandcamp site (`https://x.bandcamp.com`, or the custom domain).
    pub url: Option<String>,
    /// Where the artist or label is based.
    pub location: Option<String>,
    /// The bio text.
    pub bio: Option<String>,
    /// Whether the account is a label.
    pub is_label: bool,
    /// The profile picture.
    pub image_url: Option<String>,
    /// The artist's own links.
    pub links: Vec<Link>,
    /// The discography, in the order the artist gives it.
    pub releases: Vec<Release>,
}

/// A link of an artist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Link {
    /// The text shown.
    pub title: Option<String>,
    /// Where it goes.
    pub url: String,
}

/// One release of an artist or label.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Release {
    /// The album's or track's id.
    pub id: u64,
    /// album or track.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["album", "track"]))]
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// Its page, when Bandcamp shows where.
    pub url: Option<String>,
    /// Who made it.
    pub artist: Option<String>,
    /// When it was released.
    pub release_date: Option<String>,
    /// Its artwork.
    pub artwork_url: Option<String>,
}

/// An album page.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Album {
    /// The album id.
    pub id: u64,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: Option<String>,
    /// Who made it, as the page says.
    pub artist: Option<String>,
    /// The band that sells it.
    pub band_id: Option<u64>,
    /// When it was released.
    pub release_date: Option<String>,
    /// The "about" text.
    pub about: Option<String>,
    /// The credits.
    pub credits: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The cover.
    pub artwork_url: Option<String>,
    /// The track list.
    pub tracks: Vec<AlbumTrack>,
}

/// One track of an album.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AlbumTrack {
    /// 1-based position on the album.
    pub position: u32,
    /// The track id.
    pub id: Option<u64>,
    /// Its title.
    pub title: String,
    /// Its length in seconds.
    pub duration_s: Option<f64>,
    /// Its page.
    pub url: Option<String>,
}

/// A track page.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Track {
    /// The track id.
    pub id: u64,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: Option<String>,
    /// Who made it.
    pub artist: Option<String>,
    /// The album it is on (`null` for a single).
    pub album: Option<String>,
    /// Its length in seconds.
    pub duration_s: Option<f64>,
    /// When it (or its album) was released.
    pub release_date: Option<String>,
    /// Its artwork.
    pub artwork_url: Option<String>,
    /// The band that sells it.
    pub band_id: Option<u64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// Bandcamp's image URL of an album's artwork (`a<art_id>`, 1200 px).
pub(crate) fn artwork_url(art_id: u64) -> String {
    format!("https://f4.bcbits.com/img/a{art_id:010}_10.jpg")
}

/// Bandcamp's image URL of a band's picture (`<image_id>`, large).
pub(crate) fn picture_url(image_id: u64) -> String {
    format!("https://f4.bcbits.com/img/{image_id:010}_10.jpg")
}

/// Small artwork, the size search results use.
pub(crate) fn thumbnail_url(art_id: u64) -> String {
    format!("https://f4.bcbits.com/img/a{art_id:010}_7.jpg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_urls_pad_ids_like_bandcamp() {
        assert_eq!(
            artwork_url(76513327),
            "https://f4.bcbits.com/img/a0076513327_10.jpg"
        );
        assert_eq!(
            picture_url(38664592),
            "https://f4.bcbits.com/img/0038664592_10.jpg"
        );
        assert_eq!(
            thumbnail_url(3390257927),
            "https://f4.bcbits.com/img/a3390257927_7.jpg"
        );
    }
}
