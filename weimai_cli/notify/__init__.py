"""Delivering reports to chat groups and mailboxes, in four modules:

* :mod:`.targets`: the delivery targets (``[notify.NAME]`` in the config
  file, with their secrets), their checks, adding and removing them;
* :mod:`.text`: a report's text in each service's shape, split to its limits;
* :mod:`.services`: each service's message body, signing, reply and retries,
  and email over SMTP;
* :mod:`.delivery`: :func:`~.delivery.deliver`, the one entry point for every
  sender, with the delivery log's lease (never posts twice) and states.
"""
