/*! MiniSearch 7.2.0 | Copyright 2022 Luca Ongaro | MIT License | https://github.com/lucaong/minisearch */
