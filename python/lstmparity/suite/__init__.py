"""The fixture suite: reading and checking cases (``fixtures``, ``case.schema.json``), building
them (``cases``, checked by central finite differences in ``gradcheck``), writing them only when
they changed (``regenerate``), the files generated from the spec (``generate``), and what each
case exercises (``features``). Needs the ``[suite]`` extra (jsonschema); imports the core, never
the runner or training.
"""
