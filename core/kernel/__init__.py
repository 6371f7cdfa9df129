"""What every area uses: errors, i18n, clock, text and validation, access, audit, settings, config, store, transactions, the small-group rule."""
