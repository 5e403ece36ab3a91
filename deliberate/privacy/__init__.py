"""Personal data (PDPA, พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562): the notice shown before anyone joins and the
retention it promises (`notice`), a participant seeing and erasing their own data (`my_data`), and the
purge after the retention period (`retention`). Every figure survives both erasing and purging."""
